// Property-based fuzzing of lab.yaml, shared by the fuzz driver (test/fuzz/lab-yaml.fuzz.ts,
// ten thousand cases) and the unit test (test/unit/lab-yaml-fuzz.test.ts, a few hundred).
//
// Cases are arbitrary YAML-ish text and mutations of the bundled labs' lab.yaml, each loaded with
// loadLab from a temporary lab folder. For every case loadLab must resolve or reject with a
// LabFormatError whose findings are well formed, within CASE_LIMIT_MS. The cases run in a worker
// thread so that a case that never returns (a loop in the parser, say) is caught by a watchdog in
// this thread instead of hanging the run.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import fc from 'fast-check';
import { parse, stringify, type ToStringOptions } from 'yaml';
import { formatDiagnostic, LabFormatError } from '../../electron/engine/labs/diagnostics.js';
import { loadLab } from '../../electron/engine/labs/load.js';

/**
 * The property's time limit for loading one case, in CPU time (user + system, as
 * process.cpuUsage counts it): no case may cost the loader more than a second, which catches
 * super-linear parsing (the cases fuzzing found took seconds to minutes). CPU time, not the
 * clock's: on a two-core CI machine under load the largest linear cases (a 120 KB anchor chain,
 * about 0.4 s of CPU) took over a second by the clock, which measured the machine, not the loader.
 * A case that never returns is the watchdog's (HANG_MS, by the clock).
 */
export const CASE_LIMIT_MS = 1000;
/** A case still running after this long is a hang: the worker is stopped and the case reported. */
const HANG_MS = 10_000;
/** Folder name for generated (not mutated) cases; any valid lab id would do. */
const GENERATED = 'fuzz-lab';

export interface FuzzOptions {
  runs: number;
  seed: number;
  /** fast-check's replay path of a failure, with its seed. */
  path?: string;
  /** Called every `progressEvery` cases with the number done so far. */
  onProgress?: (done: number) => void;
  progressEvery?: number;
}

export interface FuzzReport {
  seed: number;
  /** Cases loaded, shrinking included. */
  cases: number;
  resolved: number;
  rejected: number;
  /** Rejections whose findings reach the steps' markdown: the mutation got through every stage before. */
  markdownFindings: number;
  slowestMs: number;
  slowest: string;
  elapsedMs: number;
  /** Why the run failed, with what it takes to replay it; undefined when every property held. */
  failure?: string;
}

// ---------------------------------------------------------------------------------------------
// Cases

/** One lab.yaml to load: bytes, so that truncation and random bytes can break UTF-8 too. */
export class LabCase {
  constructor(
    /** What made it, e.g. "first-steps: delete line 12, truncate at 300". */
    readonly label: string,
    /** The bundled lab whose folder (markdown, images) it is loaded in, or GENERATED. */
    readonly lab: string,
    readonly bytes: Buffer,
  ) {}

  // fast-check prints counterexamples; a 256 KiB document would drown the report.
  [fc.toStringMethod](): string {
    const text = this.bytes.toString('utf8');
    const preview = text.length > 300 ? `${text.slice(0, 300)}…` : text;
    return `${this.label} [${this.bytes.length} bytes] ${JSON.stringify(preview)}`;
  }
}

export interface RealLab {
  name: string;
  dir: string;
  text: string;
}

export function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error('package.json not found above the fuzz module');
    dir = parent;
  }
  return dir;
}

/** The bundled labs (labs/<name>/lab.yaml), the seeds of the mutations. */
export async function realLabs(): Promise<RealLab[]> {
  const labsDir = path.join(repoRoot(), 'labs');
  const labs: RealLab[] = [];
  for (const name of (await readdir(labsDir)).sort()) {
    const file = path.join(labsDir, name, 'lab.yaml');
    if (existsSync(file)) labs.push({ name, dir: path.join(labsDir, name), text: await readFile(file, 'utf8') });
  }
  return labs;
}

/** Fragments YAML gives meaning to, for text that is YAML-ish rather than merely random. */
const YAML_TOKENS = [
  ':', ': ', '-', '- ', ' ', '  ', '\n', '\r\n', '\r', '\t', '[', ']', '{', '}', ',', '&a', '*a', '&b ', '*b', '!',
  '!!str', '!!int', '!!map', '!!seq', '!!binary', '|', '|-', '>', '>+', '"', "'", '#', '%YAML 1.2', '%TAG', '---',
  '...', '?', '? ', '<<', '@', '`', '\\', '\\u0000', '\ufeff', '\0', 'id', 'steps', 'machines', 'name', 'kind',
  'markdown', 'check', 'script', 'probe', 'x', '0', '1e9', '-1', 'null', '~', 'true', 'é', '😀', '\u2028',
];

/** Values of every type, as YAML text: what a mutation writes in place of a field's value. */
const YAML_VALUES = [
  '42', '-1', '0', '3.5', '0x1F', '0o17', '1_000', '1e400', '-1e400', '.inf', '-.inf', '.nan', '9'.repeat(400),
  `0.${'0'.repeat(300)}1`, '2e-400', 'true', 'false', 'yes', 'off', 'null', '~', '', '[]', '{}', '[1, [2, [3]]]',
  '{a: 1, b: [x]}', '"str"', "'str'", '""', '*nope', '&anchor x', '!!binary aGVsbG8=', '!custom x', '!!int x',
  '!!float abc', '!!map [a]', '!!set {a, b}', '!!omap [a: 1]', '!<tag:yaml.org,2002:int> 7', '|', '>-', '|\n  text',
  '2024-01-01', '2001-12-14t21:59:43.10-05:00', '12:30:00', '"\\u0000"', '"\\x00"', '"line\\nbreak"', '"a\\u2028b"',
  '"\\ud800"', '?', '-', '- x', '#comment', `"${'x'.repeat(300)}"`, 'a: b: c', '{a: 1, a: 2}', '[a, b', '{a', '"open',
  "'open", 'labvisor/base', 'host', 'container', 'vm', '../../etc/passwd', '/etc/passwd', 'C:/x.md', 'steps', '.',
  'steps/missing.md', 'lab.yaml', '__proto__', 'constructor', 'toString', 'steps/../lab.yaml', 'a\tb', '\ufeffx',
];

/** Plain data of every type, for structural mutations. */
const JS_VALUES: unknown[] = [
  0, -1, 1.5, 1e308, -1e308, Infinity, -Infinity, NaN, 2 ** 53 + 1, 10n ** 40n, true, false, null, '', ' ',
  'x'.repeat(500), '../../etc/passwd', '/abs.md', 'C:/x.md', 'steps/missing.md', 'steps', '.', 'lab.yaml',
  'a\nb', 'a\0b', '\u2028', [], [null], [[[]]], {}, { a: 1 }, { __proto__: null, x: 1 }, 'labvisor/base', 'host',
  'container', 'vm', '__proto__', 'constructor', new Date(0),
];

/** Short documents that exercise a corner of YAML each. */
const TRICKY = [
  '', '\n', ' ', '---', '---\n---', '...', '--- |\n  x', '%YAML 1.2\n---\na: 1', '%YAML 9.9\n---\na: 1',
  '%TAG ! tag:x,2000:\n--- !foo 1', '!!binary aGVsbG8=', '!!set {a, b}', '!!omap [a: 1]', '!!timestamp 2001-12-14',
  '? complex\n: key', '? [a, b]\n: c', '? {a: 1}\n: 1\n? {a: 1}\n: 2', '{a: 1, a: 1}', 'a: 1\na: 2', '"a": 1\na: 2',
  '1: x\n"1": y', 'null: 1\n~: 2', '? \n: x', '__proto__: {polluted: 1}', '__proto__: 1\n__proto__: 2',
  'constructor: {prototype: x}', 'toString: 1', 'hasOwnProperty: 1', 'id: x\nid: y', '<<: {id: a}', '<<: *nope',
  'a: &x 1\n<<: *x', 'a: &x [1]\nb:\n  <<: *x', '&a a: *a', '*a : 1', '&a [*a]', 'a: &a {b: *a}', '&a\n- *a',
  'a: !!int "x"', "a: 'unterminated", 'a: "unterminated', 'a: |\n  block\n bad', '- a\nb: c', 'a:\n\t- tab',
  '\ufeffid: x', '\ufeff\ufeffid: x', 'id: \0', '\0', 'a: b: c', '[', ']', '{', '}', '&', '*', '!', '@', '`', '|',
  '>', '%', 'a: *', 'a: &', 'a: !', '- - - - -', '? ? ? ?', ': : :', '"\\', "'", '"\\u{1F600}"', 'a:\r\n  b: 1\r',
  'steps:\n  - *s', 'machines: !!set {a}', 'tags: !!omap [a: 1, a: 2]', 'duration: !!float .nan',
];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date);
}

/** YAML text of any value; what yaml cannot write becomes its string form. */
function dump(value: unknown, options: DumpOptions): string {
  try {
    return stringify(value, options) ?? '';
  } catch {
    return String(value);
  }
}

type DumpOptions = ToStringOptions;

const dumpOptions: fc.Arbitrary<DumpOptions> = fc.record({
  collectionStyle: fc.constantFrom('any' as const, 'block' as const, 'flow' as const),
  defaultStringType: fc.constantFrom('PLAIN' as const, 'QUOTE_DOUBLE' as const, 'QUOTE_SINGLE' as const, 'BLOCK_LITERAL' as const),
  lineWidth: fc.constantFrom(0, 20, 80),
  indent: fc.integer({ min: 1, max: 8 }),
});

/** The field lines a lab starts with, so that generated structures sit where a lab has them. */
const LAB_HEAD = `id: ${GENERATED}\ntitle: Fuzz\nsummary: Fuzzed.\nduration: 5\ndifficulty: beginner\n`;

/** Nesting `depth` deep in one of YAML's styles (block styles are quadratic in size, so shallower). */
function nested(style: string, depth: number): string {
  switch (style) {
    case 'flow-seq': return `${'['.repeat(depth)}x${']'.repeat(depth)}`;
    case 'flow-map': return `${'{a: '.repeat(depth)}x${'}'.repeat(depth)}`;
    case 'unclosed': return '[{'.repeat(depth);
    case 'block-seq': return `${'- '.repeat(depth)}x`;
    case 'block-map': {
      const d = Math.min(depth, 600);
      return Array.from({ length: d }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' x';
    }
    default: { // block sequences each on its own indented line
      const d = Math.min(depth, 600);
      return Array.from({ length: d }, (_, i) => `${' '.repeat(i * 2)}-`).join('\n') + ' x';
    }
  }
}

/** "Billion laughs": each level lists the one before `width` times. */
function aliasBomb(levels: number, width: number, at: string, flow: boolean): string {
  const lines = [flow ? 'lol: &a0 [lol]' : 'lol: &a0 lol'];
  for (let i = 1; i <= levels; i++) lines.push(`l${i}: &a${i} [${Array.from({ length: width }, () => `*a${i - 1}`).join(', ')}]`);
  return `${LAB_HEAD}${lines.join('\n')}\n${at}: *a${levels}\n`;
}

/** Each anchor an alias of the one before, `length` long: deep through aliases, not in the text. */
function aliasChain(length: number, at: string): string {
  const lines = ['c0: &c0 x'];
  for (let i = 1; i <= length; i++) lines.push(`c${i}: &c${i} [*c${i - 1}]`);
  return `${LAB_HEAD}${lines.join('\n')}\n${at}: *c${length}\n`;
}

/** One anchor name defined again and again, each time around an alias of the one before. */
function reusedAnchorChain(length: number, at: string): string {
  return `${LAB_HEAD}c:\n- &a x\n${'- &a [*a]\n'.repeat(length)}${at}: *a\n`;
}

/** Many uses of one small anchor, around the loader's alias limit. */
function manyAliases(count: number, at: string): string {
  return `${LAB_HEAD}${at}: [&t x, ${Array.from({ length: count }, () => '*t').join(', ')}]\n`;
}

/** Changes applied on top of generated text: the bytes YAML and editors trip over. */
const noise = fc.oneof(
  fc.record({ kind: fc.constant('bom' as const) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), text: fc.constantFrom('\t', '\0', '\ufeff', '\r', '\u2028', '\uffff', '\ud800') }),
  fc.record({ kind: fc.constant('long-line' as const), at: fc.nat(), length: fc.integer({ min: 1000, max: 300_000 }) }),
  fc.record({ kind: fc.constant('crlf' as const) }),
  fc.record({ kind: fc.constant('tabs' as const) }),
);
type Noise = typeof noise extends fc.Arbitrary<infer T> ? T : never;

function applyNoise(text: string, n: Noise): [string, string] {
  switch (n.kind) {
    case 'bom': return ['\ufeff' + text, 'BOM'];
    case 'crlf': return [text.replace(/\n/g, '\r\n'), 'CRLF'];
    case 'tabs': return [text.replace(/^ +/gm, (s) => '\t'.repeat(Math.ceil(s.length / 2))), 'tabs'];
    case 'insert': {
      const at = n.at % (text.length + 1);
      return [text.slice(0, at) + n.text + text.slice(at), `${JSON.stringify(n.text)} at ${at}`];
    }
    case 'long-line': {
      const at = n.at % (text.length + 1);
      return [`${text.slice(0, at)}${'x'.repeat(n.length)}${text.slice(at)}`, `${n.length}-char line at ${at}`];
    }
  }
}

/** Generator (1): YAML-ish text from nothing. */
function generatedCase(): fc.Arbitrary<LabCase> {
  const texts: fc.Arbitrary<[string, string]> = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 300 }).map((s): [string, string] => ['random string', s]),
    fc.string({ unit: fc.constantFrom(...YAML_TOKENS), maxLength: 200 }).map((s): [string, string] => ['YAML tokens', s]),
    fc.string({ unit: fc.constantFrom(...YAML_TOKENS), maxLength: 100 }).map((s): [string, string] => ['YAML tokens after lab fields', LAB_HEAD + s]),
    fc.constantFrom(...TRICKY).map((s): [string, string] => ['tricky', s]),
    fc.constantFrom(...TRICKY).map((s): [string, string] => ['tricky after lab fields', LAB_HEAD + s]),
    fc.tuple(fc.jsonValue(), dumpOptions).map(([v, o]): [string, string] => ['dumped JSON value', dump(v, o)]),
    fc.tuple(fc.anything({
      maxDepth: 4, withBigInt: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true,
      withBoxedValues: true, withSparseArray: true, withTypedArray: true, withObjectString: true,
    }), dumpOptions).map(([v, o]): [string, string] => ['dumped anything', dump(v, o)]),
    fc.tuple(fc.dictionary(fc.constantFrom('format', 'id', 'title', 'summary', 'duration', 'difficulty', 'tags', 'machines', 'volumes', 'steps'), fc.jsonValue()), dumpOptions)
      .map(([v, o]): [string, string] => ['lab fields, any values', dump(v, o)]),
    fc.tuple(fc.constantFrom('flow-seq', 'flow-map', 'unclosed', 'block-seq', 'block-map', 'block-seq-lines'), fc.integer({ min: 1, max: 60_000 }), fc.boolean())
      .map(([style, depth, inLab]): [string, string] => [`nesting ${style} ${depth}`, (inLab ? `${LAB_HEAD}tags: ` : '') + nested(style, depth)]),
    fc.tuple(fc.integer({ min: 1, max: 14 }), fc.integer({ min: 2, max: 12 }), fc.constantFrom('tags', 'machines', 'steps', 'title', 'x'), fc.boolean())
      .map(([levels, width, at, flow]): [string, string] => [`alias bomb ${levels}x${width} at ${at}`, aliasBomb(levels, width, at, flow)]),
    // Chains up to ~130 KiB: enough to show any superlinear cost (12,000 links took 90 s before the
    // alias limit), while a 256 KiB one spends most of a second in yaml's parser alone (measured
    // 0.65-1 s on a busy 2-core machine), which would test the machine rather than the loader.
    fc.tuple(fc.integer({ min: 1, max: 6000 }), fc.constantFrom('tags', 'steps'))
      .map(([length, at]): [string, string] => [`alias chain ${length} at ${at}`, aliasChain(length, at)]),
    fc.tuple(fc.integer({ min: 1, max: 12_000 }), fc.constantFrom('tags', 'steps'))
      .map(([length, at]): [string, string] => [`reused-anchor chain ${length} at ${at}`, reusedAnchorChain(length, at)]),
    fc.tuple(fc.integer({ min: 90, max: 110 }), fc.constantFrom('tags', 'machines', 'steps'))
      .map(([count, at]): [string, string] => [`${count} aliases at ${at}`, manyAliases(count, at)]),
    fc.constantFrom(...YAML_VALUES).map((v): [string, string] => ['lab field values', `${LAB_HEAD}duration: ${v}\ntags: ${v}\n`]),
  );
  return fc.tuple(texts, fc.array(noise, { maxLength: 3 })).map(([[what, text], noises]) => {
    const labels = [what];
    for (const n of noises) {
      const [next, label] = applyNoise(text, n);
      text = next;
      labels.push(label);
    }
    return new LabCase(`generated: ${labels.join(', ')}`, GENERATED, Buffer.from(text, 'utf8'));
  });
}

// Text mutations work on the file's bytes as latin1 text: one char per byte, so truncating or
// inserting bytes can split a UTF-8 sequence, and unchanged bytes survive exactly.
const latin1 = (s: string): string => Buffer.from(s, 'utf8').toString('latin1');

const textMutation = fc.oneof(
  fc.record({ kind: fc.constantFrom('delete line' as const, 'duplicate line' as const, 'drop field' as const), line: fc.nat() }),
  fc.record({ kind: fc.constant('swap lines' as const), line: fc.nat(), other: fc.nat() }),
  fc.record({ kind: fc.constant('set value' as const), line: fc.nat(), value: fc.constantFrom(...YAML_VALUES) }),
  fc.record({ kind: fc.constant('rename field' as const), line: fc.nat(), name: fc.oneof(fc.constantFrom('ids', 'Title', 'step', 'machine', 'kind', 'name', '__proto__', '<<', '', '"x"'), fc.string({ maxLength: 12 })) }),
  fc.record({ kind: fc.constant('reindent' as const), line: fc.nat(), by: fc.integer({ min: -4, max: 4 }) }),
  fc.record({ kind: fc.constant('insert line' as const), line: fc.nat(), text: fc.oneof(fc.constantFrom(...TRICKY), fc.string({ unit: fc.constantFrom(...YAML_TOKENS), maxLength: 30 })) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert bytes' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ kind: fc.constant('flip byte' as const), at: fc.nat(), mask: fc.integer({ min: 1, max: 255 }) }),
);
type TextMutation = typeof textMutation extends fc.Arbitrary<infer T> ? T : never;

const KEY_LINE = /^(\s*(?:-\s+)?)([^\s:#][^:#]*?)(:)(\s.*|)$/;

function mutateText(text: string, m: TextMutation): [string, string] {
  const lines = text.split('\n');
  const i = 'line' in m ? m.line % lines.length : 0;
  const line = lines[i]!;
  const indent = (s: string): number => /^\s*/.exec(s)![0].length;
  switch (m.kind) {
    case 'delete line': lines.splice(i, 1); break;
    case 'duplicate line': lines.splice(i, 0, line); break;
    case 'swap lines': {
      const j = m.other % lines.length;
      [lines[i], lines[j]] = [lines[j]!, line];
      return [lines.join('\n'), `swap lines ${i + 1} and ${j + 1}`];
    }
    case 'drop field': { // the line and the block indented under it
      let end = i + 1;
      while (end < lines.length && (lines[end]!.trim() === '' || indent(lines[end]!) > indent(line))) end++;
      lines.splice(i, end - i);
      return [lines.join('\n'), `drop lines ${i + 1}-${end}`];
    }
    case 'set value': {
      const key = KEY_LINE.exec(line);
      const value = latin1(m.value);
      lines[i] = key ? `${key[1]}${key[2]}: ${value}` : `${/^\s*(?:-\s*)?/.exec(line)![0]}${value}`;
      return [lines.join('\n'), `line ${i + 1} value ${JSON.stringify(m.value)}`];
    }
    case 'rename field': {
      const key = KEY_LINE.exec(line);
      if (key) lines[i] = `${key[1]}${latin1(m.name)}${key[3]}${key[4]}`;
      return [lines.join('\n'), `line ${i + 1} field renamed ${JSON.stringify(m.name)}`];
    }
    case 'reindent':
      lines[i] = m.by >= 0 ? ' '.repeat(m.by) + line : line.replace(new RegExp(`^ {0,${-m.by}}`), '');
      return [lines.join('\n'), `line ${i + 1} indented by ${m.by}`];
    case 'insert line':
      lines.splice(i, 0, latin1(m.text));
      return [lines.join('\n'), `insert ${JSON.stringify(m.text)} at line ${i + 1}`];
    case 'truncate': {
      const at = m.at % (text.length + 1);
      return [text.slice(0, at), `truncate at byte ${at}`];
    }
    case 'insert bytes': {
      const at = m.at % (text.length + 1);
      return [text.slice(0, at) + Buffer.from(m.bytes).toString('latin1') + text.slice(at), `insert ${m.bytes.length} bytes at ${at}`];
    }
    case 'flip byte': {
      if (text.length === 0) return [text, 'flip byte of nothing'];
      const at = m.at % text.length;
      return [text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ m.mask) + text.slice(at + 1), `flip byte ${at}`];
    }
  }
  return [lines.join('\n'), `${m.kind} ${i + 1}`];
}

type DataPath = (string | number)[];

/** Every place in the data: the root, each mapping value and each list item. */
function dataPaths(value: unknown, at: DataPath = [], out: DataPath[] = []): DataPath[] {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => dataPaths(v, [...at, i], out));
  else if (isRecord(value)) for (const [k, v] of Object.entries(value)) dataPaths(v, [...at, k], out);
  return out;
}

const dataMutation = fc.oneof(
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: fc.oneof(fc.constantFrom(...JS_VALUES), fc.jsonValue({ maxDepth: 2 })) }),
  fc.record({ kind: fc.constantFrom('remove' as const, 'duplicate' as const, 'wrap in a list' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), name: fc.oneof(fc.constantFrom('ids', 'Title', 'kind', 'name', 'probe', 'script', '__proto__', 'constructor', ''), fc.string({ maxLength: 10 })) }),
);
type DataMutation = typeof dataMutation extends fc.Arbitrary<infer T> ? T : never;

/** Changes the parsed lab in place: the value at one place gets another type, goes, or moves. */
function mutateData(root: { data: unknown }, m: DataMutation): string {
  const paths = dataPaths(root.data);
  const at = paths[m.at % paths.length]!;
  let parent: unknown = root;
  let key: string | number = 'data';
  for (const k of at) [parent, key] = [(parent as Record<string | number, unknown>)[key], k];
  const container = parent as Record<string | number, unknown>;
  const where = at.join('.') || 'the root';
  switch (m.kind) {
    case 'set':
      container[key] = structuredClone(m.value);
      return `${where} = ${fc.stringify(m.value).slice(0, 40)}`;
    case 'remove':
      if (Array.isArray(container)) container.splice(Number(key), 1);
      else delete container[key];
      return `remove ${where}`;
    case 'duplicate':
      if (Array.isArray(container)) container.splice(Number(key), 0, structuredClone(container[key]));
      else container[`${key}2`] = structuredClone(container[key]);
      return `duplicate ${where}`;
    case 'wrap in a list':
      container[key] = [container[key]];
      return `wrap ${where}`;
    case 'rename': {
      if (Array.isArray(container) || typeof key === 'number') return `rename ${where} (a list item: no-op)`;
      const value = container[key];
      delete container[key];
      // defineProperty, so that "__proto__" becomes a key and not the prototype.
      Object.defineProperty(container, m.name, { value, enumerable: true, writable: true, configurable: true });
      return `rename ${where} to ${JSON.stringify(m.name)}`;
    }
  }
}

/** Generator (2): the bundled labs, changed a little as text or as data. */
function mutatedCase(labs: RealLab[]): fc.Arbitrary<LabCase> {
  const lab = fc.constantFrom(...labs);
  const asText = fc.tuple(lab, fc.array(textMutation, { minLength: 1, maxLength: 4 })).map(([real, mutations]) => {
    let text = latin1(real.text);
    const labels: string[] = [];
    for (const m of mutations) {
      const [next, label] = mutateText(text, m);
      text = next;
      labels.push(label);
    }
    return new LabCase(`${real.name}: ${labels.join(', ')}`, real.name, Buffer.from(text, 'latin1'));
  });
  const asData = fc.tuple(lab, fc.array(dataMutation, { minLength: 1, maxLength: 3 }), dumpOptions).map(([real, mutations, options]) => {
    const root = { data: parse(real.text) as unknown };
    const labels = mutations.map((m) => mutateData(root, m));
    return new LabCase(`${real.name} (data): ${labels.join(', ')}`, real.name, Buffer.from(dump(root.data, options), 'utf8'));
  });
  return fc.oneof(asText, asData);
}

export function labCases(labs: RealLab[]): fc.Arbitrary<LabCase> {
  return fc.oneof({ arbitrary: generatedCase(), weight: 1 }, { arbitrary: mutatedCase(labs), weight: 2 });
}

// ---------------------------------------------------------------------------------------------
// Properties

/** Temporary lab folders: one per bundled lab (a copy, markdown and images included) and one for generated cases. */
export class Workspace {
  private constructor(readonly root: string, private readonly dirs: Map<string, string>) {}

  static async create(labs: RealLab[], root: string): Promise<Workspace> {
    const dirs = new Map<string, string>();
    for (const lab of labs) {
      const dir = path.join(root, lab.name);
      await cp(lab.dir, dir, { recursive: true });
      dirs.set(lab.name, dir);
    }
    const generated = path.join(root, GENERATED);
    await mkdir(path.join(generated, 'steps'), { recursive: true });
    await writeFile(path.join(generated, 'steps', 'step.md'), '# Step\n\n```sh @box\necho hi\n```\n');
    dirs.set(GENERATED, generated);
    return new Workspace(root, dirs);
  }

  /** Writes the case's lab.yaml into its folder; returns the folder. */
  async write(c: LabCase): Promise<string> {
    const dir = this.dirs.get(c.lab)!;
    await writeFile(path.join(dir, 'lab.yaml'), c.bytes);
    return dir;
  }
}

/** `ms`: the CPU time the load took (see CASE_LIMIT_MS). */
export type Outcome = { ok: true; ms: number } | { ok: false; error: LabFormatError; ms: number };

/** CPU milliseconds since `since` (a process.cpuUsage() reading). */
const cpuMsSince = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return (used.user + used.system) / 1000;
};

/**
 * Loads the lab in `dir` and checks the properties every outcome must have; throws an
 * AssertionError naming the broken one. Returns the outcome for statistics.
 */
export async function checkLoad(dir: string): Promise<Outcome> {
  const started = process.cpuUsage();
  let outcome: Outcome;
  try {
    await loadLab(dir);
    outcome = { ok: true, ms: cpuMsSince(started) };
  } catch (e) {
    const ms = cpuMsSince(started);
    if (!(e instanceof LabFormatError)) {
      // A crash: loadLab must describe every bad lab, never throw something else.
      throw new assert.AssertionError({ message: `loadLab threw ${e instanceof Error ? e.stack : String(e)}\ninstead of a LabFormatError` });
    }
    outcome = { ok: false, error: e, ms };
  }
  assert.ok(outcome.ms <= CASE_LIMIT_MS, `loading took ${Math.round(outcome.ms)} ms of CPU; the limit is ${CASE_LIMIT_MS} ms`);
  if (!outcome.ok) checkFindings(dir, outcome.error);
  return outcome;
}

/** Every finding points into the lab's lab.yaml or a markdown file, at a real position, saying something, on one line. */
export function checkFindings(dir: string, error: LabFormatError): void {
  assert.ok(error.diagnostics.length > 0, 'a LabFormatError without findings');
  for (const d of error.diagnostics) {
    const where = JSON.stringify(d);
    const file = path.resolve(d.file);
    assert.ok(file === path.join(dir, 'lab.yaml') || (file.endsWith('.md') && file.startsWith(dir + path.sep)), `finding outside lab.yaml and the markdown: ${where}`);
    assert.ok(Number.isInteger(d.line) && d.line >= 1, `line not ≥ 1: ${where}`);
    assert.ok(Number.isInteger(d.col) && d.col >= 1, `col not ≥ 1: ${where}`);
    assert.ok(typeof d.message === 'string' && d.message.trim() !== '', `empty message: ${where}`);
    // One finding per line, file:line:col: first, is what editors and terminals jump to; and
    // a lab's text must not reach the terminal as control characters (escape sequences).
    // eslint-disable-next-line no-control-regex -- finding control characters is the point
    assert.ok(!/[\x00-\x1f\x7f-\x9f]/.test(d.message), `control character (a line break?) in the message: ${where}`);
    const formatted = formatDiagnostic(d);
    const match = /^(.+):(\d+):(\d+): (.+)$/s.exec(formatted);
    assert.ok(match, `not file:line:col: message: ${JSON.stringify(formatted)}`);
    assert.equal(path.resolve(match[1]!), file);
    assert.equal(Number(match[2]), d.line);
    assert.equal(Number(match[3]), d.col);
    assert.equal(match[4], d.message);
  }
}

// ---------------------------------------------------------------------------------------------
// The run: a worker loads the cases, this thread watches it.

type WorkerMessage =
  | { type: 'case'; index: number; label: string; file: string }
  | { type: 'done'; report: FuzzReport };

/** Runs the fuzzing in a worker thread; resolves with the report, `failure` set when a property broke or a case hung. */
export async function runFuzz(options: FuzzOptions): Promise<FuzzReport> {
  const started = performance.now();
  // Made and removed here, not in the worker: a worker stopped mid-case cannot clean up.
  const root = await mkdtemp(path.join(tmpdir(), 'labvisor-fuzz-'));
  const worker = new Worker(new URL(import.meta.url), {
    workerData: { labYamlFuzz: { runs: options.runs, seed: options.seed, path: options.path, root } },
    // An alias bomb that gets through would run the worker out of memory: an error here, not a dead process.
    resourceLimits: { maxOldGenerationSizeMb: 2048 },
  });
  let current: { index: number; label: string; file: string; since: number } | undefined;
  const every = options.progressEvery ?? 1000;
  const report = await new Promise<FuzzReport>((resolve) => {
    let settled = false;
    let dying = false;
    const finish = (report: FuzzReport): void => {
      if (settled) return;
      settled = true;
      clearInterval(watchdog);
      resolve(report);
    };
    const failed = (failure: string): void => finish({
      seed: options.seed, cases: current ? current.index + 1 : 0, resolved: 0, rejected: 0, markdownFindings: 0,
      slowestMs: 0, slowest: '', elapsedMs: performance.now() - started, failure,
    });
    const watchdog = setInterval(() => {
      if (!current || performance.now() - current.since < HANG_MS) return;
      const hung = current;
      void (async () => {
        await worker.terminate();
        failed(`case ${hung.index} (seed ${options.seed}) did not finish in ${HANG_MS / 1000} s: ${hung.label}\n`
          + `its lab.yaml: ${await keepReproducer(hung.file, options.seed)}`);
      })();
    }, 250);
    worker.on('message', (m: WorkerMessage) => {
      if (m.type === 'case') {
        current = { ...m, since: performance.now() };
        if ((m.index + 1) % every === 0) options.onProgress?.(m.index + 1);
      } else {
        finish({ ...m.report, elapsedMs: performance.now() - started });
      }
    });
    worker.on('error', (e) => {
      dying = true;
      void (async () => failed(`the worker died during case ${current?.index} (seed ${options.seed}): ${e.stack ?? e}\n`
        + `case: ${current?.label}\nits lab.yaml: ${current ? await keepReproducer(current.file, options.seed) : 'none'}`))();
    });
    worker.on('exit', (code) => {
      // Without a report the worker's event loop ran dry: a load that never settled.
      if (!dying) setTimeout(() => failed(`the worker exited (code ${code}) during case ${current?.index} (seed ${options.seed}): ${current?.label}`), 100);
    });
  });
  await rm(root, { recursive: true, force: true });
  return report;
}

/** Copies a case's lab.yaml out of the temporary folders, which are removed, so it can be replayed. */
async function keepReproducer(file: string, seed: number): Promise<string> {
  const kept = path.join(tmpdir(), `lab-yaml-fuzz-${seed}.yaml`);
  try {
    await copyFile(file, kept);
    return kept;
  } catch {
    return `(gone: ${file})`;
  }
}

interface WorkerOptions { runs: number; seed: number; path?: string; root: string }

async function workerMain({ runs, seed, path: replayPath, root }: WorkerOptions): Promise<void> {
  const post = (m: WorkerMessage): void => parentPort!.postMessage(m);
  const labs = await realLabs();
  const workspace = await Workspace.create(labs, root);
  const report: FuzzReport = {
    seed, cases: 0, resolved: 0, rejected: 0, markdownFindings: 0, slowestMs: 0, slowest: '', elapsedMs: 0,
  };
  try {
    // Sanity: the bundled labs load from their copies unchanged, so mutations start from a valid lab.
    for (const lab of labs) {
      const dir = await workspace.write(new LabCase(`${lab.name} unchanged`, lab.name, Buffer.from(lab.text, 'utf8')));
      const outcome = await checkLoad(dir).catch((e: Error) => ({ ok: false, error: e, ms: 0 }));
      if (!outcome.ok) throw new Error(`the bundled lab ${lab.name} does not load unchanged: ${outcome.error.message}`);
    }
    const details = await fc.check(fc.asyncProperty(labCases(labs), async (c) => {
      const dir = await workspace.write(c);
      post({ type: 'case', index: report.cases, label: c.label, file: path.join(dir, 'lab.yaml') });
      report.cases++;
      const outcome = await checkLoad(dir);
      if (outcome.ok) report.resolved++;
      else {
        report.rejected++;
        if (outcome.error.diagnostics.some((d) => d.file.endsWith('.md'))) report.markdownFindings++;
      }
      if (outcome.ms > report.slowestMs) [report.slowestMs, report.slowest] = [outcome.ms, c.label];
    }), { numRuns: runs, seed, ...(replayPath ? { path: replayPath } : {}) });
    if (details.failed) {
      const example = details.counterexample?.[0];
      const kept = example ? path.join(tmpdir(), `lab-yaml-fuzz-${seed}.yaml`) : undefined;
      if (example && kept) await writeFile(kept, example.bytes);
      const error = details.errorInstance;
      report.failure = `${fc.defaultReportMessage(details)}\n${error instanceof Error ? error.message : String(error)}\n`
        + `replay: --seed ${details.seed} --path ${details.counterexamplePath}\nits lab.yaml (${example?.lab}): ${kept}`;
    }
  } catch (e) {
    report.failure = e instanceof Error ? e.stack : String(e);
  }
  post({ type: 'done', report });
}

if (!isMainThread && (workerData as { labYamlFuzz?: unknown } | undefined)?.labYamlFuzz) {
  void workerMain((workerData as { labYamlFuzz: WorkerOptions }).labYamlFuzz);
}
