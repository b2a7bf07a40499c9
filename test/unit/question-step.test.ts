// Question steps without an engine: the loader's findings for each malformed question (at its
// line and field), how typed answers compare, what the learner is told (never the right answer),
// and the API's refusal of answers no person types.
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { compareAnswer, parseDecimal, wrongAnswerFor } from '../../electron/engine/checks/answer-match.js';
import { answerQuestion, computeAnswer, WRONG_ANSWER, type RunScript } from '../../electron/engine/checks/answer-question.js';
import { LabFormatError } from '../../electron/engine/labs/diagnostics.js';
import { loadLab } from '../../electron/engine/labs/load.js';
import type { Question } from '../../electron/engine/labs/schema.js';
import type { ScriptResult } from '../../electron/engine/machines/script-result.js';
import { uncheckedSteps } from '../../electron/cli/commands/test.js';
import { packageRoot } from '../../electron/engine/paths.js';
import { LabHost } from '../../electron/host-common/lab-host.js';
import { ANSWER_MAX_CHARS, parseRequest } from '../../electron/shared/api.js';

/** A lab whose one step (line 10 on) is `step`, given as the lines after `markdown:`. */
function labWith(step: string): string {
  return `id: quiz
title: Quiz
summary: Questions.
duration: 5
difficulty: beginner
tags: []
machines:
  - { name: box, kind: container, image: labvisor/base }
steps:
  - id: ask
    title: Ask
    markdown: steps/ask.md
${step}`;
}

let root: string;
let count = 0;
before(async () => { root = await mkdtemp(path.join(tmpdir(), 'labvisor-question-')); });
after(async () => { await rm(root, { recursive: true, force: true }); });

/** Loads the lab; each problem as `line:col: message`, or [] when it loads. */
async function problems(yaml: string): Promise<string[]> {
  const dir = path.join(root, `case-${++count}`, 'quiz');
  await mkdir(path.join(dir, 'steps'), { recursive: true });
  await writeFile(path.join(dir, 'lab.yaml'), yaml);
  await writeFile(path.join(dir, 'steps', 'ask.md'), '# Ask\n');
  try {
    await loadLab(dir);
    return [];
  } catch (e) {
    assert.ok(e instanceof LabFormatError, String(e));
    return e.diagnostics.map((d) => `${d.line}:${d.col}: ${d.message}`);
  }
}

describe('lab format: question steps', () => {
  test('both forms load: choices with the right one\'s text, a typed value a machine computes', async () => {
    assert.deepEqual(await problems(labWith(`    question:
      prompt: Whose kernel?
      choices: [Its own, The host's]
      answer: The host's
  - id: typed
    title: Typed
    markdown: steps/ask.md
    question:
      prompt: PID 1?
      answer: { machine: box, script: cat /proc/1/comm, timeout: 5 }
      match: ignore-case
    solve:
      - { machine: box, script: "true" }
`)), []);
  });

  test('a computed answer on an unknown machine is an error at its machine field', async () => {
    assert.deepEqual(await problems(labWith(`    question:
      prompt: PID 1?
      answer: { machine: bxo, script: cat /proc/1/comm }
`)), ['15:26: steps[0].question.answer.machine: unknown machine "bxo"; declared machines: box']);
  });

  test('a step with a check and a question', async () => {
    assert.deepEqual(await problems(labWith(`    check:
      - { machine: box, script: "true" }
    solve:
      - { machine: box, script: "true" }
    question:
      prompt: Really?
      choices: [yes, no]
      answer: yes
`)), ['18:7: steps[0].question: a step has a check or a question, not both']);
  });

  test('an answer that is not among the choices names them', async () => {
    assert.deepEqual(await problems(labWith(`    question:
      prompt: Whose kernel?
      choices: [Its own, The host's]
      answer: Nobody's
`)), ['16:15: steps[0].question.answer: "Nobody\'s" is not one of the choices: "Its own", "The host\'s"']);
  });

  test('empty or single choices, and a duplicate choice', async () => {
    assert.deepEqual(await problems(labWith(`    question:
      prompt: Whose kernel?
      choices: []
      answer: x
`)), ['15:16: steps[0].question.choices: must have at least 2 items']);
    assert.deepEqual(await problems(labWith(`    question:
      prompt: Whose kernel?
      choices: [a, b, a]
      answer: a
`)), ['15:23: steps[0].question.choices[2]: duplicate choice "a" (also steps[0].question.choices[0])']);
  });

  test('the form must be whole: choices take a text answer and no match; a typed answer is computed', async () => {
    assert.deepEqual(await problems(labWith(`    question:
      prompt: Whose kernel?
      choices: [a, b]
      answer: { machine: box, script: echo a }
      match: exact
`)), [
      '16:15: steps[0].question.answer: with choices, the answer is the text of the right choice',
      '17:14: steps[0].question.match: only for a typed answer: a choice is picked, not typed',
    ]);
    const [fixed] = await problems(labWith(`    question:
      prompt: PID 1?
      answer: docker-init
`));
    assert.match(fixed!, /^15:15: steps\[0\]\.question\.answer: a question without choices needs an answer a machine computes/);
  });

  test('a malformed answer is reported in the form the author meant', async () => {
    assert.deepEqual(await problems(labWith(`    question:
      prompt: PID 1?
      answer: { machine: box, scrpt: cat /proc/1/comm }
`)), [
      '15:15: steps[0].question.answer: missing required field "script"',
      '15:31: unknown field "scrpt" in steps[0].question.answer (did you mean "script"?)',
    ]);
    assert.deepEqual(await problems(labWith(`    question:
      prompt: PID 1?
      answer: 42
`)), ['15:15: steps[0].question.answer: expected the text of the right choice, or a mapping { machine, script } that computes the answer, got 42']);
    assert.deepEqual(await problems(labWith(`    question:
      prompt: ""
      answer: { machine: box, script: hostname }
      match: fuzzy
`)), [
      '14:15: steps[0].question.prompt: must not be empty',
      '16:14: steps[0].question.match: expected one of: exact, ignore-case, number; got "fuzzy"',
    ]);
  });

  test('poll and failsFirst belong to checks', async () => {
    assert.deepEqual(await problems(labWith(`    poll: 5
    failsFirst: false
    question:
      prompt: PID 1?
      answer: { machine: box, script: cat /proc/1/comm }
`)), [
      '13:11: steps[0].poll: only allowed on a step with a check: a question is answered by the learner',
      '14:17: steps[0].failsFirst: only allowed on a step with a check',
    ]);
  });
});

describe('comparing a typed answer', () => {
  test('whitespace at both ends never counts; exact keeps case, ignore-case does not', () => {
    assert.equal(compareAnswer('  docker-init\n', 'docker-init\n'), 'right');
    assert.equal(compareAnswer('Docker-Init', 'docker-init'), 'wrong');
    assert.equal(compareAnswer('docker init', 'docker-init'), 'wrong');
    assert.equal(compareAnswer(' DOCKER-INIT ', 'docker-init', 'ignore-case'), 'right');
    assert.equal(compareAnswer('docker', 'docker-init', 'ignore-case'), 'wrong');
  });

  test('number: the same value however it is written; not a number is told apart', () => {
    for (const given of ['3', '03', '+3', '3.0', '3.', ' 3 ']) assert.equal(compareAnswer(given, '      3\n', 'number'), 'right', given);
    assert.equal(compareAnswer('.5', '0.50', 'number'), 'right');
    assert.equal(compareAnswer('-2', '2', 'number'), 'wrong');
    for (const given of ['three', '3 orders', '0x3', '3e0', '1,000', '']) assert.equal(compareAnswer(given, '3', 'number'), 'not-a-number', given);
    assert.equal(parseDecimal('12.5'), 12.5);
    assert.equal(parseDecimal('12,5'), undefined);
  });

  test('wrongAnswerFor is wrong under its own rule, and of the same form', () => {
    for (const [expected, match] of [['3', 'number'], ['0', 'number'], ['-0', 'number'], ['.5', 'number'], ['docker-init', 'exact'], ['A', 'ignore-case']] as const) {
      const wrong = wrongAnswerFor(expected, match);
      assert.equal(compareAnswer(wrong, expected, match), 'wrong', `${expected} → ${wrong}`);
    }
  });
});

describe('answering a question', () => {
  const ran: Array<{ machine: string; script: string; timeoutMs: number }> = [];
  /** A machine whose scripts give `result`. */
  const machine = (result: Partial<ScriptResult>): RunScript => async (m, script, timeoutMs) => {
    ran.push({ machine: m, script, timeoutMs });
    return { exitCode: 0, output: '', timedOut: false, truncated: false, ...result };
  };
  const typed: Question = { prompt: 'PID 1?', answer: { machine: 'box', script: 'cat /proc/1/comm' }, match: 'ignore-case' };
  const choice: Question = { prompt: 'Kernel?', choices: ['own', 'host'], answer: 'host' };

  test('a right answer passes; a wrong one says so without the right one', async () => {
    const box = machine({ output: 'docker-init\n' });
    assert.deepEqual(await answerQuestion(box, typed, ' Docker-Init '), { ok: true, messages: [] });
    const wrong = await answerQuestion(box, typed, 'bash');
    assert.deepEqual(wrong, { ok: false, messages: [WRONG_ANSWER] });
    assert.doesNotMatch(JSON.stringify(wrong), /docker-init/);
    assert.deepEqual(ran.at(-1), { machine: 'box', script: '{\ncat /proc/1/comm\n} 2>/dev/null', timeoutMs: 30_000 });
  });

  test('choices: the right one passes, another is wrong, anything else is not a choice', async () => {
    const none = machine({});
    assert.equal((await answerQuestion(none, choice, 'host')).ok, true);
    assert.deepEqual(await answerQuestion(none, choice, 'own'), { ok: false, messages: [WRONG_ANSWER] });
    assert.deepEqual(await answerQuestion(none, choice, 'HOST'), { ok: false, messages: ['Pick one of the choices.'] });
  });

  test('number: a value that is no number is asked again as one', async () => {
    const q: Question = { ...typed, match: 'number' };
    assert.deepEqual(await answerQuestion(machine({ output: '3\n' }), q, 'three'), { ok: false, messages: ['Answer with a number, such as 42.'] });
  });

  test('an answer that cannot be computed says so, with the script\'s FAIL: lines but none of its other output', async () => {
    const said = await answerQuestion(machine({ exitCode: 1, output: 'FAIL: start the web server first\n' }), typed, 'x');
    assert.deepEqual(said, { ok: false, messages: ['Could not compute the answer in "box": start the web server first'] });
    const silent = await answerQuestion(machine({ exitCode: 2, output: 'docker-init\n' }), typed, 'x');
    assert.deepEqual(silent, { ok: false, messages: ['Could not compute the answer in "box": its script exited with code 2'] });
    assert.deepEqual((await computeAnswer(machine({ timedOut: true, exitCode: -1 }), typed)).ok, false);
    assert.deepEqual(await computeAnswer(machine({ output: ' \n' }), typed), { ok: false, messages: ['Could not compute the answer in "box": its script printed nothing'] });
    assert.match(JSON.stringify(await computeAnswer(machine({ output: 'x'.repeat(ANSWER_MAX_CHARS + 1) }), typed)), /longer than the 1000 characters/);
    assert.match(JSON.stringify(await computeAnswer(machine({ output: 'a\nb\n' }), typed)), /not one line of text a learner can type/);
    const stopped = await computeAnswer(machine({ exitCode: -1, notRun: true, output: 'machine "box" is not running\nmore' }), typed);
    assert.deepEqual(stopped, { ok: false, messages: ['Could not compute the answer in "box": machine "box" is not running'] });
  });
});

describe('the API and the test runner', () => {
  const request = (answer: unknown) => parseRequest({ id: 1, method: 'answerStep', params: { session: 'ab12cd34', step: 'pid-one', answer } });

  test('answerStep takes one line of text; a huge, empty or control-character answer is a bad request', () => {
    assert.equal(request('docker-init').ok, true);
    assert.equal(request('x'.repeat(ANSWER_MAX_CHARS)).ok, true);
    const refused = (answer: unknown, why: RegExp) => {
      const r = request(answer);
      assert.ok(!r.ok, `accepted ${JSON.stringify(answer).slice(0, 40)}`);
      assert.match(r.message, why);
    };
    refused('x'.repeat(ANSWER_MAX_CHARS + 1), /params\.answer: must be at most 1000 characters|params\.answer: Too big/);
    refused('x'.repeat(10_000_000), /params\.answer/);
    refused('', /params\.answer: must not be empty/);
    refused('a\u001b[2Jb', /params\.answer: must be one line of text without control characters/);
    refused('a\nb', /control characters/);
    refused('\u0000', /control characters/);
    refused(42, /params\.answer/);
  });

  test('labvisor test counts a question step as checked', () => {
    const step = (id: string, extra: object) => ({ id, title: id, markdown: 'steps/a.md', ...extra });
    assert.deepEqual(uncheckedSteps([
      step('ask', { question: { prompt: 'Why?', choices: ['a', 'b'], answer: 'a' } }),
      step('look', {}),
      step('done', {}),
    ]), ['look']);
  });
});

describe('getStep of a question step', () => {
  const host = new LabHost({ labsDir: path.join(packageRoot(), 'test', 'fixtures', 'labs') });

  test('sends the prompt and the choices, never the right choice', async () => {
    const step = await host.getStep({ lab: 'question-lab', step: 'kernel' });
    assert.deepEqual(step.question, {
      prompt: 'Whose kernel does the container box run on?',
      choices: ['Its own kernel, booted when the container started', 'The kernel of the Docker host', 'No kernel at all'],
    });
    assert.equal(step.hasCheck, false);
    assert.deepEqual(step.solution, [], 'the solution of a choice would be the answer');
  });

  test('a typed question\'s solution is its solve, then the command that shows the answer', async () => {
    const step = await host.getStep({ lab: 'question-lab', step: 'count' });
    assert.deepEqual(step.question, { prompt: 'How many orders are in /tmp/orders?' });
    assert.deepEqual(step.solution.map((s) => s.machine), ['box', 'box']);
    assert.match(step.solution[1]!.script, /wc -l < \/tmp\/orders/);
  });
});
