// A terminal session over a fake source (unit level; the real machines are in
// test/integration/terminals.test.ts): flow control, replay, exit, bad sizes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLOW, SCROLLBACK_BYTES, type TerminalOut } from '../../electron/shared/terminal-protocol.js';
import { MAX_OUTPUT_CHUNK_BYTES, TerminalSession, TerminalSizeError } from '../../electron/engine/terminals/terminal-session.js';
import { FakeSource } from './fake-source.js';

function setup() {
  const source = new FakeSource();
  const term = new TerminalSession('box', 'container', source, { cols: 80, rows: 24 });
  const frames: TerminalOut[] = [];
  const listener = (f: TerminalOut) => { frames.push(f); };
  const text = () => Buffer.concat(frames.flatMap((f) => (f.type === 'data' ? [f.data] : []))).toString('utf8');
  const bytes = () => frames.reduce((n, f) => n + (f.type === 'data' ? f.data.length : 0), 0);
  return { source, term, frames, listener, text, bytes };
}

test('pauses the source above HIGH unacknowledged bytes and resumes only below LOW', () => {
  const { source, term, listener } = setup();
  term.attach(listener);
  const chunk = Buffer.alloc(16 * 1024, 'y');
  while (!source.paused) source.print(chunk);
  const { unackedBytes } = term.stats();
  assert.ok(unackedBytes > FLOW.HIGH && unackedBytes <= FLOW.HIGH + chunk.length, String(unackedBytes));
  term.ack(unackedBytes - FLOW.LOW); // exactly LOW left: still paused
  assert.equal(source.paused, true);
  term.ack(1);
  assert.equal(source.paused, false);
  assert.equal(term.stats().maxUnackedBytes, unackedBytes);
});

test('frames are at most MAX_OUTPUT_CHUNK_BYTES and never split a character', () => {
  const { source, term, listener, frames, text } = setup();
  term.attach(listener);
  const big = '€'.repeat(30_000);
  const bytes = Buffer.from(big);
  source.print(bytes.subarray(0, 1001)); // ends inside a character
  source.print(bytes.subarray(1001));
  assert.ok(frames.every((f) => f.type === 'data' && f.data.length <= MAX_OUTPUT_CHUNK_BYTES));
  assert.ok(frames.every((f) => f.type === 'data' && !Buffer.from(f.data).toString('utf8').includes('\uFFFD')));
  assert.equal(text(), big);
});

test('the slowest listener sets the pace; detaching it resumes; with nobody attached the source runs', () => {
  const { source, term } = setup();
  const fast = () => {};
  const slow = () => {};
  term.attach(fast);
  term.attach(slow);
  source.print(Buffer.alloc(FLOW.HIGH + 1));
  assert.equal(source.paused, true);
  term.ack(FLOW.HIGH + 1, fast);
  assert.equal(source.paused, true, 'the slow one still has it all unacknowledged');
  term.detach(slow);
  assert.equal(source.paused, false);
  term.detach(fast);
  source.print(Buffer.alloc(SCROLLBACK_BYTES * 2));
  assert.equal(source.paused, false);
  assert.equal(term.stats().scrollbackBytes, SCROLLBACK_BYTES, 'the scrollback stays bounded');
});

test('attach replays the scrollback, then streams live; a re-attach replays again', () => {
  const { source, term, listener, text } = setup();
  source.print('before anyone looked\n');
  term.attach(listener);
  source.print('live\n');
  assert.equal(text(), 'before anyone looked\nlive\n');
  term.detach(listener);
  source.print('while away\n');
  const again: TerminalOut[] = [];
  term.attach((f) => again.push(f));
  assert.equal(Buffer.concat(again.map((f) => (f as { data: Uint8Array }).data)).toString(), 'before anyone looked\nlive\nwhile away\n');
});

test('a replay of a full scrollback is flow-controlled like live output', () => {
  const { source, term } = setup();
  source.print(Buffer.alloc(SCROLLBACK_BYTES, 'x'));
  term.attach(() => {});
  assert.equal(source.paused, true);
  assert.equal(term.stats().unackedBytes, SCROLLBACK_BYTES);
  term.ack(SCROLLBACK_BYTES);
  assert.equal(source.paused, false);
});

test('exit comes after the last output, held-back bytes included; input afterwards answers with the exit', () => {
  const { source, term, listener, frames } = setup();
  term.attach(listener);
  source.print(Buffer.from('bye €').subarray(0, 5)); // "bye " and the first byte of €
  source.end({ code: 3 });
  assert.deepEqual(frames.map((f) => f.type), ['data', 'data', 'exit']);
  assert.deepEqual(frames.at(-1), { type: 'exit', code: 3 });
  frames.length = 0;
  const other: TerminalOut[] = [];
  term.attach((f) => other.push(f));
  other.length = 0;
  term.input('ls\r', listener);
  assert.deepEqual(frames, [{ type: 'exit', code: 3 }]);
  assert.deepEqual(other, [], 'only the listener that typed is told');
  assert.deepEqual(source.written, []);
});

test('a late attach gets the scrollback and the exit', () => {
  const { source, term } = setup();
  source.print('last words');
  source.end({ code: null, reason: 'the VM stopped' });
  const frames: TerminalOut[] = [];
  term.attach((f) => frames.push(f));
  assert.deepEqual(frames.map((f) => f.type), ['data', 'exit']);
  assert.deepEqual(frames[1], { type: 'exit', code: null, reason: 'the VM stopped' });
});

test('close ends the source and tells every listener, once', async () => {
  const { source, term, listener, frames } = setup();
  term.attach(listener);
  await Promise.all([term.close(), term.close()]);
  assert.equal(source.closed, true);
  assert.deepEqual(frames, [{ type: 'exit', code: null, reason: 'terminal closed' }]);
});

test('resize: whole numbers from 1 to 1000 reach the source, others are refused', () => {
  const { source, term } = setup();
  term.resize(132, 43);
  term.receive({ type: 'resize', cols: 1000, rows: 1 }, () => {});
  assert.deepEqual(source.sizes, [[132, 43], [1000, 1]]);
  for (const [c, r] of [[0, 10], [10, 1001], [10.5, 10], [Number.NaN, 10], [-1, -1]] as const) {
    assert.throws(() => term.resize(c, r), TerminalSizeError);
  }
  assert.deepEqual([term.cols, term.rows], [1000, 1]);
});

test('a listener that throws is detached and does not stall the others', () => {
  const { source, term, listener, text } = setup();
  term.attach(() => { throw new Error('port closed'); });
  term.attach(listener);
  source.print(Buffer.alloc(FLOW.HIGH + 1, 'a'));
  source.print('ok');
  assert.ok(text().endsWith('ok'));
  term.ack(FLOW.HIGH + 3, listener);
  assert.equal(source.paused, false);
});

test('output and an exit that came before the session listened are not lost', () => {
  const source = new FakeSource();
  source.print('banner\n');
  source.end({ code: 0 });
  const term = new TerminalSession('host', 'docker-host', source, { cols: 80, rows: 24 });
  const frames: TerminalOut[] = [];
  term.attach((f) => frames.push(f));
  assert.equal(Buffer.from((frames[0] as { data: Uint8Array }).data).toString(), 'banner\n');
  assert.deepEqual(frames[1], { type: 'exit', code: 0 });
});
