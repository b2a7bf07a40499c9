// The progress view: plain lines without cursor movement off a terminal or with TERM=dumb; on a
// terminal, redraws on a timer while a task is silent, and colour unless NO_COLOR.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { progressView } from '../../electron/cli/progress-view.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, columns: 100, write: (s: string) => { writes.push(s); return true; } } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}
const ESC = '\x1b[';

test('not a terminal: one plain line per phase change, no escape sequences, no timer', async () => {
  const { stream, writes } = fakeStream(false);
  const view = progressView(stream, { env: {}, tickMs: 10 });
  view({ task: 'machine vm', phase: 'booting', elapsedMs: 0 });
  view({ task: 'machine vm', phase: 'booting', elapsedMs: 500 });
  await sleep(50);
  view({ task: 'machine vm', phase: 'ready', elapsedMs: 4200, state: 'done' });
  view.stop();
  assert.deepEqual(writes, ['[  0.0s] machine vm: booting\n', '[  4.2s] machine vm: ready\n']);
});

test('TERM=dumb on a terminal: no cursor movement either', async () => {
  const { stream, writes } = fakeStream(true);
  const view = progressView(stream, { env: { TERM: 'dumb' }, tickMs: 10 });
  view({ task: 'image app', phase: 'building', elapsedMs: 0 });
  await sleep(50);
  view.stop();
  assert.equal(writes.length, 1);
  assert.ok(!writes.join('').includes(ESC));
});

test('a terminal: a silent running task is redrawn on a timer with its time counting up; stop ends it', async () => {
  const { stream, writes } = fakeStream(true);
  const view = progressView(stream, { env: { TERM: 'xterm' }, tickMs: 20 });
  view({ task: 'machine vm', phase: 'booting', elapsedMs: 0 });
  await sleep(300);
  const redraws = writes.length;
  assert.ok(redraws >= 4, `redrawn ${redraws} times`);
  assert.ok(writes.slice(1).every((w) => w.startsWith(`${ESC}1A`)), 'each redraw moves back over its own line');
  const times = writes.map((w) => Number(/(\d+\.\d)s/.exec(w)![1]));
  assert.ok(times.at(-1)! >= 0.2, `the time counts up without events: ${times.join(', ')}`);
  view.stop();
  await sleep(100);
  assert.equal(writes.length, redraws, 'no redraw after stop');
});

test('a terminal: the timer stops by itself once every task is done', async () => {
  const { stream, writes } = fakeStream(true);
  const view = progressView(stream, { env: { TERM: 'xterm' }, tickMs: 10 });
  view({ task: 'a', phase: 'starting', elapsedMs: 0 });
  view({ task: 'a', phase: 'ready', elapsedMs: 100, state: 'done' });
  const n = writes.length;
  await sleep(60);
  assert.equal(writes.length, n);
});

test('colour on a terminal, none with NO_COLOR', () => {
  for (const [env, coloured] of [[{ TERM: 'xterm' }, true], [{ TERM: 'xterm', NO_COLOR: '1' }, false]] as const) {
    const { stream, writes } = fakeStream(true);
    const view = progressView(stream, { env, tickMs: 1000 });
    view({ task: 'a', phase: 'ready', elapsedMs: 1, state: 'done' });
    view({ task: 'b', phase: 'broke', elapsedMs: 1, state: 'failed' });
    view.stop();
    const text = writes.join('');
    assert.equal(text.includes(`${ESC}32m✓`), coloured, JSON.stringify(env));
    assert.equal(text.includes(`${ESC}31mx`), coloured, JSON.stringify(env));
    assert.match(text, /✓.* a .*\n.*x.* b /);
  }
});
