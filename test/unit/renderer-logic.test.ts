// The renderer's pure parts: fenced-block info strings, the learner's progress reducer, start
// progress rows, the catalog filter, font zoom, the terminal's own keys, routes, request tracking and channel numbers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError } from '../../electron/shared/api.js';
import { parseFenceInfo, typedCommand } from '../../renderer/src/player/fence-info.js';
import { emptyLearner, learnerReducer, resumeStep, toSaveParams } from '../../renderer/src/player/learner-state.js';
import { checkCleared, checkEnded, checkStarted, idleCheck } from '../../renderer/src/player/check-state.js';
import { addProgress, formatElapsed, shownElapsed, taskMachine } from '../../renderer/src/player/start-progress.js';
import { allTags, filterLabs } from '../../renderer/src/catalog/filter-labs.js';
import { bytesText, phaseText } from '../../renderer/src/catalog/bundle-progress.js';
import { FONT, presenterFont, zoomFont } from '../../renderer/src/terminal/font-size.js';
import { terminalKeyHandler } from '../../renderer/src/terminal/terminal-keys.js';
import { parseRoute, routeHash } from '../../renderer/src/app/route.js';
import { ConnectionLostError, PendingRequests } from '../../renderer/src/api/pending-requests.js';
import { ChannelTable } from '../../renderer/src/api/channel-table.js';
import { reconnectDelay } from '../../renderer/src/api/reconnect-delay.js';
import { isWebUrl } from '../../renderer/src/api/lab-client.js';
import type { LabSummary } from '../../electron/shared/api.js';

test('fence info: language then machine, machine alone, none, and junk', () => {
  assert.deepEqual(parseFenceInfo('sh', '@app'), { language: 'sh', machine: 'app' });
  assert.deepEqual(parseFenceInfo('@vm', null), { machine: 'vm' });
  assert.deepEqual(parseFenceInfo('yaml', undefined), { language: 'yaml' });
  assert.deepEqual(parseFenceInfo('sh', '@Bad @host'), { language: 'sh', machine: 'host' });
  assert.deepEqual(parseFenceInfo(undefined, undefined), {});
});

test('Run types each line ended by Enter, without a blank line at the end', () => {
  assert.equal(typedCommand('a\nb\n\n'), 'a\rb\r');
  assert.equal(typedCommand('x\r\ny'), 'x\ry\r');
});

test('learner reducer: steps, passes, hints capped, solutions, clear; resume point', () => {
  let s = emptyLearner('lab');
  s = learnerReducer(s, { type: 'open-step', step: 'b' });
  s = learnerReducer(s, { type: 'passed', step: 'a' });
  assert.equal(learnerReducer(s, { type: 'passed', step: 'a' }), s, 'passing twice changes nothing');
  s = learnerReducer(s, { type: 'hint', step: 'b', total: 1 });
  assert.equal(learnerReducer(s, { type: 'hint', step: 'b', total: 1 }), s, 'no hint beyond the last');
  s = learnerReducer(s, { type: 'solution', step: 'b' });
  assert.deepEqual(toSaveParams(s), { lab: 'lab', currentStep: 'b', passed: ['a'], hintsShown: { b: 1 }, solutionsShown: ['b'] });
  assert.equal(resumeStep(s, ['a', 'b', 'c']), 'b');
  assert.equal(resumeStep({ ...s, currentStep: undefined }, ['a', 'b', 'c']), 'b');
  assert.deepEqual(learnerReducer(s, { type: 'cleared' }), emptyLearner('lab'));
});

test('learner reducer: a failing check un-passes its step; a reset forgets only the checked steps', () => {
  let s = { ...emptyLearner('lab'), passed: ['intro', 'run', 'ask', 'store'] };
  s = learnerReducer(s, { type: 'failed', step: 'run' });
  assert.deepEqual(s.passed, ['intro', 'ask', 'store']);
  assert.equal(learnerReducer(s, { type: 'failed', step: 'run' }), s, 'failing a step not passed changes nothing');
  s = learnerReducer(s, { type: 'reset', checked: ['run', 'store'] });
  assert.deepEqual(s.passed, ['intro', 'ask'], 'explanations and answered questions stay passed');
  assert.equal(learnerReducer(s, { type: 'reset', checked: ['run', 'store'] }), s, 'nothing more to forget');
  assert.equal(resumeStep({ ...s, currentStep: undefined }, ['intro', 'run', 'ask', 'store']), 'run');
});

test('check box: a failed result stays through failing polls and polls that cannot run; a passing poll or an action replaces it', () => {
  const fail = { ok: false, messages: ['FAIL: no records'] };
  const pass = { ok: true, messages: [] };
  let c = checkEnded(checkStarted(idleCheck, false), false, { result: fail }, 1);
  assert.deepEqual(c, { running: false, at: 1, result: fail });
  // A poll starts: the Check button gets no spinner, the box keeps "Not yet".
  c = checkStarted(c, true);
  assert.equal(c.polling, true);
  assert.equal(c.result, fail);
  c = checkEnded(c, true, { result: fail }, 2);
  assert.deepEqual(c, { running: false, at: 1, result: fail }, 'a failing poll says nothing new');
  c = checkEnded(checkStarted(c, true), true, { error: 'engine gone' }, 3);
  assert.deepEqual(c, { running: false, at: 1, result: fail }, 'nor does a poll that could not run');
  assert.deepEqual(checkEnded(checkStarted(c, true), true, { result: pass }, 4), { running: false, at: 4, result: pass });
  // The learner checks again: the new result, even the same failure, is a new one (announced again).
  assert.equal(checkEnded(checkStarted(c, false), false, { result: fail }, 5).at, 5);
  assert.deepEqual(checkEnded(checkStarted(c, false), false, { error: 'boom' }, 6), { running: false, at: 6, error: 'boom' });
  // Running a block clears it; a poll nothing showed before stays silent.
  assert.deepEqual(checkCleared(c), { running: false });
  assert.equal(checkCleared(idleCheck), idleCheck);
  assert.deepEqual(checkCleared(checkStarted(c, true)), { running: true, polling: true });
  assert.deepEqual(checkEnded(checkStarted(idleCheck, true), true, { result: fail }, 7), { running: false });
});

test('start progress: one row per task, fractions clamped, the clock runs until done', () => {
  let rows = addProgress([], { task: 'machine vm', phase: 'booting', elapsedMs: 1000 }, 10_000);
  rows = addProgress(rows, { task: 'image app', phase: 'step 2/4', current: 2, total: 4 }, 10_000);
  rows = addProgress(rows, { task: 'machine vm', phase: 'ready', state: 'done', elapsedMs: 3000 }, 12_000);
  assert.equal(rows.length, 2);
  assert.equal(rows[1]!.fraction, 0.5);
  assert.equal(rows[0]!.state, 'done');
  assert.equal(shownElapsed(rows[0]!, 99_000), 3000);
  assert.equal(shownElapsed(rows[1]!, 10_500), 500);
  assert.equal(taskMachine('machine vm'), 'vm');
  assert.equal(taskMachine('base image'), undefined);
  assert.equal(formatElapsed(1234), '1.2 s');
  assert.equal(formatElapsed(75_000), '1 min 15 s');
});

test('catalog filter: every word, every selected tag; tags by use', () => {
  const lab = (id: string, tags: string[], title = id): LabSummary => ({ id, source: 'bundled', title, summary: 's', duration: 1, difficulty: 'beginner', tags, machines: [], volumes: [], steps: [] });
  const labs = [lab('a', ['vms', 'kernel'], 'Kernel fun'), lab('b', ['volumes']), lab('c', ['vms'])];
  assert.deepEqual(filterLabs(labs, 'kernel FUN', []).map((l) => l.id), ['a']);
  assert.deepEqual(filterLabs(labs, '', ['vms']).map((l) => l.id), ['a', 'c']);
  assert.deepEqual(filterLabs(labs, '', ['vms', 'volumes']), []);
  assert.deepEqual(allTags(labs), ['vms', 'kernel', 'volumes']);
});

test('font zoom stays in bounds and resets to the base; presenter mode\'s base follows the window', () => {
  assert.equal(zoomFont(FONT.MAX, 'in'), FONT.MAX);
  assert.equal(zoomFont(FONT.MIN, 'out'), FONT.MIN);
  assert.equal(zoomFont(20, 'reset', FONT.PRESENTER), FONT.PRESENTER);
  // Presenter mode: the full size on a large screen, smaller on a 1024 px projector, never tiny.
  assert.deepEqual([640, 1024, 1280, 1920, 3840].map(presenterFont), [16, 18, 22, 22, 22]);
});

test('routes round-trip; anything else is the catalog', () => {
  assert.deepEqual(parseRoute('#/lab/volume-backup'), { page: 'lab', lab: 'volume-backup' });
  assert.deepEqual(parseRoute('#/lab/../x'), { page: 'catalog' });
  assert.equal(routeHash({ page: 'lab', lab: 'x' }), '#/lab/x');
});

test('pending requests: results, API errors, and a dropped connection fails them all', async () => {
  const p = new PendingRequests();
  const a = p.add('listLabs');
  const b = p.add('doctor');
  const c = p.add('startLab');
  assert.equal(p.settle({ type: 'response', id: a.id, ok: true, result: { labs: [] } }), true);
  assert.deepEqual(await a.promise, { labs: [] });
  p.settle({ type: 'response', id: b.id, ok: false, error: { code: 'engine', message: 'no docker' } });
  await assert.rejects(b.promise, (e: unknown) => e instanceof ApiError && e.code === 'engine');
  p.failAll('closed with code 1006');
  await assert.rejects(c.promise, (e: unknown) => e instanceof ConnectionLostError && /startLab.*1006/.test((e as Error).message));
  assert.equal(p.size, 0);
  assert.equal(p.settle({ type: 'response', id: 999, ok: true, result: {} }), false);
});

test('channel table: unused numbers, reused after delete', () => {
  const t = new ChannelTable<string>();
  assert.equal(t.add('x'), 1);
  assert.equal(t.add('y'), 2);
  t.delete(1);
  assert.equal(t.get(2), 'y');
  assert.equal(t.add('z'), 3);
});

test('reconnect delay grows to 5 s with jitter; only web links leave the app', () => {
  assert.equal(reconnectDelay(0, () => 0.5), 250);
  assert.equal(reconnectDelay(20, () => 0.5), 5000);
  assert.ok(reconnectDelay(3, () => 0) >= 1500);
  assert.equal(isWebUrl('https://example.org/x'), true);
  assert.equal(isWebUrl('javascript:alert(1)'), false);
  assert.equal(isWebUrl('file:///etc/passwd'), false);
});

test("terminal keys: F6 leaves for the page, copy/find/zoom are the app's, everything else the shell's", () => {
  const done: string[] = [];
  const handler = terminalKeyHandler({ copy: () => done.push('copy'), find: () => done.push('find'), zoom: (z) => done.push(`zoom ${z}`) });
  const key = (init: KeyboardEventInit & { code?: string }, type = 'keydown') => {
    let prevented = false;
    const e = { type, key: '', code: '', ctrlKey: false, metaKey: false, shiftKey: false, altKey: false, ...init, preventDefault: () => { prevented = true; } };
    return { toShell: handler(e as unknown as KeyboardEvent), prevented };
  };
  // F6 reaches neither the shell nor is it swallowed: the page's handler moves the focus.
  assert.deepEqual(key({ key: 'F6' }), { toShell: false, prevented: false });
  assert.deepEqual(key({ key: 'F6', shiftKey: true }), { toShell: false, prevented: false });
  assert.deepEqual(key({ key: 'C', code: 'KeyC', ctrlKey: true, shiftKey: true }), { toShell: false, prevented: true });
  assert.deepEqual(key({ key: 'V', code: 'KeyV', ctrlKey: true, shiftKey: true }), { toShell: false, prevented: false });
  assert.deepEqual(key({ key: 'F', code: 'KeyF', metaKey: true, shiftKey: true }), { toShell: false, prevented: true });
  assert.deepEqual(key({ key: '=', ctrlKey: true }), { toShell: false, prevented: true });
  assert.deepEqual(key({ key: '0', ctrlKey: true }), { toShell: false, prevented: true });
  assert.deepEqual(done, ['copy', 'find', 'zoom in', 'zoom reset']);
  // The shell's own keys: Ctrl+C interrupts, Tab completes, Esc goes to vi.
  for (const k of [{ key: 'c', code: 'KeyC', ctrlKey: true }, { key: 'Tab' }, { key: 'Escape' }, { key: 'a' }]) assert.equal(key(k).toShell, true);
  assert.equal(key({ key: 'F6' }, 'keyup').toShell, true);
});

test('bundle progress in words: phase, bytes of all, rate, and time left only while bytes remain', () => {
  const mb = 1024 * 1024;
  assert.equal(phaseText({ phase: 'verify', doneBytes: 0, totalBytes: 1, rateBps: 0 }), 'Checking its digests');
  const loading = bytesText({ phase: 'load', doneBytes: 50 * mb, totalBytes: 200 * mb, rateBps: 25 * mb, etaS: 6 });
  assert.equal(loading, '50.0 MiB of 200 MiB · 25.0 MiB/s · about 6 s left');
  assert.match(bytesText({ phase: 'load', doneBytes: mb, totalBytes: 900 * mb, rateBps: mb, etaS: 899 }), /about 15 min left$/);
  assert.doesNotMatch(bytesText({ phase: 'labs', doneBytes: 9, totalBytes: 9, rateBps: 3, etaS: 0 }), /left/);
  assert.doesNotMatch(bytesText({ phase: 'verify', doneBytes: 0, totalBytes: 9, rateBps: 0 }), /\/s/);
});
