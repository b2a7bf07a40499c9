// lab.yaml as a YAML document that remembers where each field was written, so that every
// problem found later (schema, references, files) can be reported at its line and column.
import {
  type Alias, CST, type Document, isAlias, isCollection, isMap, isPair, isScalar, Lexer, LineCounter, parseDocument, visit,
} from 'yaml';
import { type Diagnostic, LabFormatError } from './diagnostics.js';

/** Bounds alias expansion in toJS, which is where a "billion laughs" document would explode. */
const MAX_ALIAS_COUNT = 100;

/**
 * Nesting deeper than this is refused before parsing. The yaml package composes nodes recursively:
 * about a thousand levels (a few KiB of "[[[[") exhaust the stack, and there V8 can abort the
 * whole process ("RegExpCompiler Allocation failed") rather than throw. Labs nest less than ten.
 */
const MAX_DEPTH = 100;

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
    const deep = tooDeepAt(text);
    if (deep !== undefined) {
      const before = text.slice(0, deep);
      const line = before.split('\n').length;
      const col = deep - before.lastIndexOf('\n');
      throw new LabFormatError([{ file, line, col, message: `nested more than ${MAX_DEPTH} levels deep` }]);
    }
    // uniqueKeys off: yaml checks each key against every earlier one, quadratic in a map's size
    // (seconds for a 256 KiB lab.yaml); duplicateKeys does the same check with a Set.
    const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
    const yaml = new LabYaml(file, doc, lines);
    // Deep nesting makes the parser report stack exhaustion once per level; once is enough.
    const errors = doc.errors.filter((e, i) => e.code !== 'RESOURCE_EXHAUSTION'
      || doc.errors.findIndex((f) => f.code === e.code) === i)
      .map((e) => ({ offset: e.pos[0], message: e.message }));
    if (errors.length === 0) errors.push(...duplicateKeys(doc));
    if (errors.length > 0) {
      throw new LabFormatError(errors.sort((a, b) => a.offset - b.offset).map((e) => yaml.diagnosticAt(e.offset, e.message)));
    }
    if (!isMap(doc.contents)) {
      throw new LabFormatError([yaml.diagnosticAt(doc.contents?.range[0] ?? 0, doc.contents
        ? 'expected a mapping of fields at the top level (id: …, title: …)'
        : 'lab.yaml is empty; expected a mapping of fields (id: …, title: …)')]);
    }
    const tooMany = aliasBeyondLimit(doc);
    if (tooMany) {
      throw new LabFormatError([yaml.diagnosticAt(tooMany.range?.[0] ?? 0, `more than ${MAX_ALIAS_COUNT} aliases (*${tooMany.source}); the limit is ${MAX_ALIAS_COUNT}`)]);
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

/**
 * Where the nesting of `text` passes MAX_DEPTH, if it does. An over-estimate made from yaml's own
 * tokens, so brackets in strings and scripts do not count: two levels per open flow collection
 * ([ or {) and per block indentation still open, one per block indicator (- ? :) on the line.
 */
function tooDeepAt(text: string): number | undefined {
  let offset = 0;
  let flow = 0;
  const indents: number[] = [];
  let indent = 0;
  let indicators = 0;
  let lineStart = true;
  let scalarNext = false;
  for (const token of new Lexer().lex(text)) {
    const start = offset;
    const type = CST.tokenType(token);
    // The lexer's markers are not text of the file; the token after a scalar marker is the scalar's text.
    if (type !== 'scalar' && type !== 'doc-mode' && type !== 'flow-error-end') offset += token.length;
    if (scalarNext) {
      scalarNext = false;
      lineStart = false;
      continue;
    }
    if (type === 'scalar') scalarNext = true;
    if (type === 'newline') [lineStart, indent, indicators] = [true, 0, 0];
    if (type === 'space' && lineStart) indent = token.length;
    if (type === 'newline' || type === 'space' || type === 'comment' || type === 'doc-mode') continue;
    if (lineStart && flow === 0) {
      while (indents.length > 0 && indents.at(-1)! > indent) indents.pop();
      if (indents.at(-1) !== indent) indents.push(indent);
    }
    lineStart = false;
    if (type === 'flow-map-start' || type === 'flow-seq-start') flow++;
    else if (type === 'flow-map-end' || type === 'flow-seq-end') flow = Math.max(0, flow - 1);
    else if (flow === 0 && (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind')) indicators++;
    if (2 * flow + 2 * indents.length + indicators > MAX_DEPTH) return start;
  }
  return undefined;
}

/** Keys written twice in one mapping, as yaml's uniqueKeys finds them: scalar keys of the same value. */
function duplicateKeys(doc: Document.Parsed): { offset: number; message: string }[] {
  const found: { offset: number; message: string }[] = [];
  visit(doc, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const { key } of map.items) {
        if (!isScalar(key)) continue;
        if (seen.has(key.value)) found.push({ offset: key.range?.[0] ?? 0, message: `duplicate key "${String(key.value)}"` });
        seen.add(key.value);
      }
    },
  });
  return found;
}

/**
 * The alias after the first MAX_ALIAS_COUNT, if there are more. toJS finds each alias's anchor by
 * scanning every anchor and alias before it: a 100 KiB chain of `- &a [*a]` took minutes.
 */
function aliasBeyondLimit(doc: Document.Parsed): Alias | undefined {
  let count = 0;
  let beyond: Alias | undefined;
  visit(doc, {
    Alias(_key, alias) {
      if (++count <= MAX_ALIAS_COUNT) return undefined;
      beyond = alias;
      return visit.BREAK;
    },
  });
  return beyond;
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
