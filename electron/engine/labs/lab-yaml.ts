// lab.yaml as a YAML document that remembers where each field was written, so that every
// problem found later (schema, references, files) can be reported at its line and column.
import {
  type Alias, type Document, isAlias, isCollection, isMap, isPair, isScalar, LineCounter, parseDocument, visit,
} from 'yaml';
import { type Diagnostic, LabFormatError } from './diagnostics.js';

/** Bounds alias expansion in toJS, which is where a "billion laughs" document would explode. */
const MAX_ALIAS_COUNT = 100;

export type FieldPath = readonly (string | number)[];

/** A problem at the field `path`; with `key`, at that key of the mapping at `path` instead. */
export interface Finding {
  path: FieldPath;
  key?: string;
  message: string;
}

/** `steps[2].check[0].machine` */
export function fieldPath(path: FieldPath): string {
  return path.map((key, i) => {
    if (typeof key === 'number') return `[${key}]`;
    if (/^[A-Za-z_]\w*$/.test(key)) return i === 0 ? key : `.${key}`;
    return `[${JSON.stringify(key)}]`;
  }).join('');
}

/** The message prefixed with the field it is about (nothing for the top level). */
export function fieldMessage(path: FieldPath, text: string): string {
  return path.length > 0 ? `${fieldPath(path)}: ${text}` : text;
}

export class LabYaml {
  private constructor(
    readonly file: string,
    private readonly doc: Document.Parsed,
    private readonly lines: LineCounter,
  ) {}

  /** Parses lab.yaml into plain data; YAML errors (syntax, duplicate keys, alias bombs) throw a LabFormatError. */
  static parse(file: string, text: string): { yaml: LabYaml; data: unknown } {
    const lines = new LineCounter();
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
    const yaml = new LabYaml(file, doc, lines);
    // Deep nesting makes the parser report stack exhaustion once per level; once is enough.
    const errors = doc.errors.filter((e, i) => e.code !== 'RESOURCE_EXHAUSTION'
      || doc.errors.findIndex((f) => f.code === e.code) === i);
    if (errors.length > 0) {
      throw new LabFormatError(errors.map((e) => yaml.diagnosticAt(e.pos[0], e.code === 'DUPLICATE_KEY'
        ? `duplicate key "${keyAt(doc, e.pos[0])}"`
        : e.message)));
    }
    if (!isMap(doc.contents)) {
      throw new LabFormatError([yaml.diagnosticAt(doc.contents?.range[0] ?? 0, doc.contents
        ? 'expected a mapping of fields at the top level (id: …, title: …)'
        : 'lab.yaml is empty; expected a mapping of fields (id: …, title: …)')]);
    }
    try {
      return { yaml, data: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) };
    } catch (e) {
      // toJS knows no positions: blame the alias that expands the most, or does not resolve.
      const message = e instanceof Error ? e.message : String(e);
      const limit = /alias count/i.test(message) ? ` (the limit is ${MAX_ALIAS_COUNT} alias expansions)` : '';
      throw new LabFormatError([yaml.diagnosticAt(worstAlias(doc)?.range?.[0] ?? 0, message + limit)]);
    }
  }

  /** Findings as diagnostics in document order. */
  error(findings: Finding[]): LabFormatError {
    return new LabFormatError(findings.map((f) => this.diagnostic(f))
      .sort((a, b) => a.line - b.line || a.col - b.col));
  }

  /** Where a finding points: the field's line and column in this lab.yaml. */
  diagnostic(finding: Finding): Diagnostic {
    let node = this.nodeAt(finding.path);
    if (finding.key !== undefined) {
      const map = isAlias(node) ? node.resolve(this.doc) : node;
      const pair = isMap(map) ? map.items.find((p) => isScalar(p.key) && String(p.key.value) === finding.key) : undefined;
      node = isScalar(pair?.key) ? pair.key : map;
    }
    const offset = isAlias(node) || isScalar(node) || isCollection(node) ? node.range?.[0] ?? 0 : 0;
    return this.diagnosticAt(offset, finding.message);
  }

  private diagnosticAt(offset: number, message: string): Diagnostic {
    const { line, col } = this.lines.linePos(offset);
    return { file: this.file, line: Math.max(line, 1), col: Math.max(col, 1), message };
  }

  /** The node at `path`, or its deepest ancestor that exists (a missing field points at its parent). */
  private nodeAt(path: FieldPath): unknown {
    let node: unknown = this.doc.contents;
    for (const key of path) {
      const collection = isAlias(node) ? node.resolve(this.doc) : node;
      const next: unknown = isCollection(collection) ? collection.get(key, true) : undefined;
      if (next === undefined || next === null) break;
      node = next;
    }
    return node;
  }
}

/** The text of the mapping key that starts at `offset`. */
function keyAt(doc: Document.Parsed, offset: number): string {
  let key = '';
  visit(doc, {
    Pair(_key, pair) {
      if (isScalar(pair.key) && pair.key.range?.[0] === offset) key = String(pair.key.value);
    },
  });
  return key;
}

/** The alias whose expansion is largest (unresolved and self-containing aliases count as infinite). */
function worstAlias(doc: Document.Parsed): Alias | undefined {
  const anchors = new Map<string, unknown>();
  const targets = new Map<Alias, unknown>();
  const sizes = new Map<unknown, number>();
  const sizeOf = (node: unknown): number => {
    if (isAlias(node)) return targets.has(node) ? sizeOf(targets.get(node)) : Infinity;
    if (!isCollection(node)) return 1;
    const known = sizes.get(node);
    if (known !== undefined) return known;
    sizes.set(node, Infinity);
    let size = 1;
    for (const item of node.items) size += isPair(item) ? sizeOf(item.key) + sizeOf(item.value) : sizeOf(item);
    sizes.set(node, size);
    return size;
  };
  let worst: Alias | undefined;
  let worstSize = -1;
  // Document order: an alias refers to the latest anchor of that name before it.
  visit(doc, {
    Node(_key, node) {
      if (isAlias(node)) {
        if (anchors.has(node.source)) targets.set(node, anchors.get(node.source));
        const size = sizeOf(node);
        if (size > worstSize) [worst, worstSize] = [node, size];
      } else if (node.anchor) {
        anchors.set(node.anchor, node);
      }
    },
  });
  return worst;
}
