// Question steps against the real engine (test/fixtures/labs/question-lab): a choice, a value
// the container computes when the learner answers (PID 1's command, compared ignoring case), and a
// number that exists only once the learner acted. Then `labvisor test` proving the lab, and the
// API over `labvisor serve` refusing answers no person types.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WRONG_ANSWER } from '../../electron/engine/checks/answer-question.js';
import { solveLab } from '../../electron/engine/sessions/solve-lab.js';
import type { CheckResult, SessionInfo } from '../../electron/shared/api.js';
import { startedLabSession } from './check-assertions.js';
import { cli, engineOrSkip, firstStdoutLine, fixture, startCli } from './support.js';
import { Client, stopServing, type Served } from './ws-client.js';

const engine = await engineOrSkip();
const ORDERS = "printf 'tea\\ncoffee\\ncake\\n' > /tmp/orders";

describe('question steps on a real engine', { skip: engine.skip }, () => {
  const s = startedLabSession(engine, fixture('question-lab'));

  test('choices: a wrong choice is refused without the right one, the right one passes', async () => {
    const wrong = await s().answer('kernel', 'Its own kernel, booted when the container started');
    assert.deepEqual(wrong, { ok: false, messages: [WRONG_ANSWER] });
    assert.deepEqual(await s().answer('kernel', 'The kernel of the Docker host'), { ok: true, messages: [] });
    assert.equal((await s().answer('kernel', 'the kernel of the docker host')).ok, false, 'a choice is picked as written');
  });

  test('a value the container computes now: wrong fails, right passes, with spaces and another case too', async () => {
    const pid1 = (await s().runScript('box', 'cat /proc/1/comm', 10_000)).output.trim();
    assert.ok(pid1, 'PID 1 has a command');
    const wrong = await s().answer('pid-one', 'bash');
    assert.deepEqual(wrong, { ok: false, messages: [WRONG_ANSWER] });
    assert.equal(await s().answer('pid-one', pid1).then((r) => r.ok), true);
    assert.equal(await s().answer('pid-one', `  ${pid1.toUpperCase()}  `).then((r) => r.ok), true, 'match: ignore-case, trimmed');
  });

  test('a number that exists only once the learner acted: could not compute before, then any way of writing it', async () => {
    assert.deepEqual(await s().answer('count', '3'), {
      ok: false, messages: ['Could not compute the answer in "box": there is no /tmp/orders yet: run the step\'s command first'],
    });
    assert.equal((await s().runScript('box', ORDERS, 10_000)).exitCode, 0);
    const answers: Record<string, CheckResult> = {};
    for (const given of ['4', 'three', '3', ' 03 ', '3.0']) answers[given] = await s().answer('count', given);
    assert.deepEqual(answers['4'], { ok: false, messages: [WRONG_ANSWER] });
    assert.deepEqual(answers.three, { ok: false, messages: ['Answer with a number, such as 42.'] });
    for (const right of ['3', ' 03 ', '3.0']) assert.equal(answers[right]!.ok, true, right);
  });

  test('solving the lab answers each question: a wrong answer refused, the right one accepted', async () => {
    const outcomes = await solveLab(s());
    assert.deepEqual(outcomes.map((o) => [o.id, o.ok]), [['kernel', true], ['pid-one', true], ['count', true], ['done', true]]);
    assert.match(outcomes[0]!.message, /^answer "The kernel of the Docker host": a wrong one refused, the right one accepted$/);
    assert.match(outcomes[2]!.message, /^answer "3": a wrong one refused, the right one accepted$/);
  });
});

describe('labvisor test on a lab with question steps', { skip: engine.skip }, () => {
  test('proves each question and cleans up', async () => {
    const r = await cli(['test', fixture('question-lab')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /ok +1\/4 kernel +[\d.]+ s +answer "The kernel of the Docker host": a wrong one refused, the right one accepted/);
    assert.match(r.stderr, /ok +3\/4 count +[\d.]+ s +answer "3": a wrong one refused, the right one accepted/);
    assert.match(r.stderr, /Lab "question-lab" passed: 4 step\(s\)/);
  });
});

describe('answerStep over labvisor serve', { skip: engine.skip }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'labvisor-question-data-'));
  let s: Served;
  let c: Client;
  let session: string;

  before(async () => {
    // Its own data folder: opening the fixture lab must not touch the user's catalog.
    const child = startCli(['serve', '--port', '0'], { LABVISOR_DATA_DIR: dataDir });
    const url = new URL(await firstStdoutLine(child));
    s = { child, url, port: Number(url.port), token: url.hash.slice('#token='.length), origin: `http://127.0.0.1:${url.port}` };
    c = await Client.open(s);
    await c.ok('openLabFolder', { path: fixture('question-lab') });
    session = (await c.ok<SessionInfo>('startLab', { lab: 'question-lab' })).id;
  });
  after(async () => {
    await stopServing(s);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the question comes without its answer; a wrong answer fails, the right one passes', async () => {
    const step = await c.ok<{ question?: unknown; hasCheck: boolean }>('getStep', { lab: 'question-lab', step: 'kernel' });
    assert.ok(step.question);
    assert.doesNotMatch(JSON.stringify(step), /"answer"/);
    assert.deepEqual(await c.ok('answerStep', { session, step: 'kernel', answer: 'No kernel at all' }), { ok: false, messages: [WRONG_ANSWER] });
    assert.deepEqual(await c.ok('answerStep', { session, step: 'kernel', answer: 'The kernel of the Docker host' }), { ok: true, messages: [] });
  });

  test('hostile answers are bad requests, a frame over the limit closes only that connection', async () => {
    const refused = async (params: object, why: RegExp) => {
      const r = await c.call('answerStep', { session, step: 'pid-one', ...params });
      assert.ok(!r.ok && r.error.code === 'bad-request', JSON.stringify(r).slice(0, 300));
      assert.match(r.error.message, why);
    };
    await refused({ answer: 'x'.repeat(100_000) }, /params\.answer/);
    await refused({ answer: 'docker-init\u001b]0;pwned\u0007' }, /params\.answer: must be one line of text without control characters/);
    await refused({ answer: 'a\nb' }, /control characters/);
    await refused({ answer: '' }, /params\.answer: must not be empty/);
    await refused({ answer: 'x', extra: 1 }, /Unrecognized key|extra/);
    const noQuestion = await c.call('answerStep', { session, step: 'done', answer: 'x' });
    assert.ok(!noQuestion.ok && noQuestion.error.code === 'bad-request' && /asks no question/.test(noQuestion.error.message), JSON.stringify(noQuestion));

    const big = await Client.open(s);
    const closed = big.closed();
    void big.call('answerStep', { session, step: 'pid-one', answer: 'x'.repeat(2 * 1024 * 1024) }, 10_000).catch(() => {});
    assert.equal((await closed).code, 1009);
    // The server and the session carry on.
    const sessions = await c.ok<{ sessions: SessionInfo[] }>('listSessions', {});
    assert.equal(sessions.sessions.find((x) => x.id === session)?.state, 'running');
  });
});
