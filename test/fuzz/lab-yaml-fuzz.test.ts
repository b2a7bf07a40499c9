// A few hundred cases of the lab.yaml fuzzing (lab-yaml-cases.ts) on every test run (alone, after
// the unit tests: each case must finish within a time limit, which parallel test files would blur),
// and the cases fuzzing found, kept as regression tests.
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { type Diagnostic, LabFormatError } from '../../electron/engine/labs/diagnostics.js';
import { LabYaml } from '../../electron/engine/labs/lab-yaml.js';
import { validateLab } from '../../electron/engine/labs/schema-findings.js';
import { runFuzz } from './lab-yaml-cases.js';

test('generated and mutated lab.yaml files load or fail with well-formed findings, none over a second of CPU', async () => {
  // A fresh seed each run; a failure prints it with the path to replay it (npm run fuzz -- --seed S --path P).
  const seed = Math.floor(Math.random() * 2 ** 31);
  const report = await runFuzz({ runs: 300, seed });
  if (report.failure) assert.fail(`seed ${seed}: ${report.failure}`);
  assert.equal(report.cases, 300, `seed ${seed}`);
});

/** The findings of parsing `text` and checking it against the schema, as loadLab makes them. */
function parseFindings(text: string): Diagnostic[] {
  try {
    const { yaml, data } = LabYaml.parse('lab.yaml', text);
    const { findings } = validateLab(data);
    if (findings) return yaml.error(findings).diagnostics;
  } catch (e) {
    assert.ok(e instanceof LabFormatError, `threw ${String(e)}`);
    return e.diagnostics;
  }
  return assert.fail('parsed without findings');
}

// Not a speed goal: what these inputs did before the fixes took minutes, and a refusal takes
// milliseconds; the bound only tells the two apart, loose enough for a machine under load.
const HANG_CATCHER_MS = 15_000;

// Found by fuzzing: yaml composes nodes recursively, and a few thousand "[" made V8 abort the
// whole process ("RegExpCompiler Allocation failed") or took seconds.
test('deep nesting is refused before parsing, in every YAML style', () => {
  const deep = [
    '['.repeat(50_000), '{a: '.repeat(5000), '- '.repeat(5000) + 'x', '? '.repeat(5000) + 'x',
    Array.from({ length: 500 }, (_, i) => `${' '.repeat(i)}k:`).join('\n'),
  ];
  for (const text of deep) {
    const started = performance.now();
    const [finding, ...rest] = parseFindings(text);
    assert.match(finding!.message, /^nested more than 100 levels deep$/);
    assert.equal(rest.length, 0);
    assert.ok(performance.now() - started < HANG_CATCHER_MS, 'parsed the nesting instead of refusing it');
  }
  // Brackets in strings and block scalars are not nesting.
  const quoted = `id: x\nscript: |\n  ${'[ '.repeat(300)}\nname: "${'{'.repeat(300)}"\n`;
  assert.deepEqual(LabYaml.parse('lab.yaml', quoted).data, { id: 'x', script: `${'[ '.repeat(300)}\n`, name: '{'.repeat(300) });
});

// Found by fuzzing: an unknown key or a YAML error quoted the file's control characters verbatim.
test('messages quote the lab text with its control characters escaped', () => {
  const unknown = parseFindings('\0id: x\n').find((d) => d.message.startsWith('unknown field'));
  const messages = [unknown!.message, ...parseFindings('a: >\0\n').map((d) => d.message)];
  assert.equal(messages.length, 2, messages.join('; '));
  for (const message of messages) assert.doesNotMatch(message, /[\x00-\x1f\x7f-\x9f]/); // eslint-disable-line no-control-regex
  assert.ok(messages.some((m) => m.includes('\\u0000')), messages.join('; '));
  const error = new LabFormatError([{ file: 'lab.yaml', line: 1, col: 1, message: 'unknown field "a\nb\x1b[31m"' }]);
  assert.equal(error.message, 'lab.yaml:1:1: unknown field "a\\nb\\u001b[31m"');
});

// Found by fuzzing: yaml's uniqueKeys compares each key with every earlier one, seconds for a
// 256 KiB mapping; the loader's own check must still find the duplicates.
test('duplicate keys are found in big mappings too', () => {
  const keys = Array.from({ length: 5000 }, (_, i) => `k${i}: ${i}`);
  const findings = parseFindings(`${keys.join('\n')}\nk17: again\n"k42": quoted\n`);
  assert.deepEqual(findings.map((d) => [d.line, d.col, d.message]), [
    [5001, 1, 'duplicate key "k17"'], [5002, 1, 'duplicate key "k42"'],
  ]);
  assert.deepEqual(parseFindings('a:\n  b: 1\n  b: 2\n').map((d) => [d.line, d.col, d.message]), [[3, 3, 'duplicate key "b"']]);
});

// Found by fuzzing: yaml finds each alias's anchor by scanning all before it, so a 100 KiB chain
// of one anchor name redefined around an alias of itself took about 90 s, and 256 KiB minutes.
test('more aliases than the limit are refused before they are resolved', () => {
  const chain = `id: x\nc:\n- &a x\n${'- &a [*a]\n'.repeat(12_000)}steps: *a\n`;
  const started = performance.now();
  const findings = parseFindings(chain);
  assert.ok(performance.now() - started < HANG_CATCHER_MS, 'resolved the aliases instead of refusing them');
  assert.deepEqual(findings.map((d) => [d.line, d.col, d.message]), [[104, 7, 'more than 100 aliases (*a); the limit is 100']]);
  // Aliases within the limit still work.
  assert.deepEqual(LabYaml.parse('lab.yaml', `a: &a x\nb: [${Array(50).fill('*a').join(', ')}]\n`).data,
    { a: 'x', b: Array(50).fill('x') });
});
