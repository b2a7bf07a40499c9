// The channels of one connection over terminal sessions with fake sources: attach replays,
// acks count per channel, bad frames are refused with the field, detach keeps the terminal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FLOW, type TerminalOut } from '../../electron/shared/terminal-protocol.js';
import { TerminalSession } from '../../electron/engine/terminals/terminal-session.js';
import { BadTerminalFrameError, TerminalChannels } from '../../electron/host-common/terminal-channels.js';
import { FakeSource } from './fake-source.js';

function setup() {
  const source = new FakeSource();
  const term = new TerminalSession('box', 'container', source, { cols: 80, rows: 24 });
  const channels = new TerminalChannels();
  const got = new Map<number, TerminalOut[]>();
  const closed: number[] = [];
  const open = (channel: number) => {
    got.set(channel, []);
    return { sink: (f: TerminalOut) => { got.get(channel)!.push(f); }, close: () => closed.push(channel) };
  };
  const text = (channel: number) => Buffer.concat((got.get(channel) ?? []).flatMap((f) => (f.type === 'data' ? [f.data] : []))).toString();
  return { source, term, channels, got, closed, open, text };
}

test('attach replays the scrollback on the channel the UI picked; a used channel is refused', () => {
  const { source, term, channels, open, text } = setup();
  source.print('before\r\n');
  assert.equal(channels.attach(term, 7, open), true);
  assert.equal(text(7), 'before\r\n');
  assert.equal(channels.attach(term, 7, open), false);
  source.print('live');
  assert.equal(text(7), 'before\r\nlive');
});

test('frames reach the terminal; acks count for their channel only', () => {
  const { source, term, channels, open } = setup();
  channels.attach(term, 1, open);
  channels.attach(term, 2, open);
  assert.equal(channels.receive(1, { type: 'input', data: 'ls\r' }), true);
  assert.equal(channels.receive(2, { type: 'resize', cols: 100, rows: 30 }), true);
  assert.deepEqual(source.written, ['ls\r']);
  assert.deepEqual(source.sizes.at(-1), [100, 30]);
  source.print(Buffer.alloc(FLOW.HIGH + 1, 'y'));
  assert.equal(source.paused, true);
  channels.receive(1, { type: 'ack', bytes: FLOW.HIGH + 1 });
  assert.equal(source.paused, true, 'channel 2 has not rendered it yet');
  channels.receive(2, { type: 'ack', bytes: FLOW.HIGH + 1 });
  assert.equal(source.paused, false);
});

test('a frame that breaks the protocol is refused naming the field; an unknown channel is dropped', () => {
  const { term, channels, open } = setup();
  channels.attach(term, 1, open);
  assert.throws(() => channels.receive(1, { type: 'resize', cols: 0, rows: 24 }), (e: Error) => e instanceof BadTerminalFrameError && /channel 1: cols/.test(e.message));
  assert.throws(() => channels.receive(1, { type: 'input', data: 'x', extra: 1 }), BadTerminalFrameError);
  assert.throws(() => channels.receive(1, { type: 'ack', bytes: -1 }), BadTerminalFrameError);
  assert.throws(() => channels.receive(1, { type: 'data', data: 'x' }), BadTerminalFrameError);
  assert.equal(channels.receive(5, { type: 'input', data: 'x' }), false);
});

test('detach stops the stream and tears down its carrier; the terminal keeps running', () => {
  const { source, term, channels, open, closed, text } = setup();
  channels.attach(term, 3, open);
  assert.equal(channels.detach(3), true);
  assert.equal(channels.detach(3), false);
  assert.deepEqual(closed, [3]);
  source.print('unseen');
  assert.equal(text(3), '');
  assert.equal(term.exit, undefined);
  assert.equal(source.closed, false);
  channels.attach(term, 4, open);
  channels.detachAll();
  assert.equal(channels.size, 0);
  assert.deepEqual(closed, [3, 4]);
});

test('the exit reaches every channel after the last output', () => {
  const { source, term, channels, open, got } = setup();
  channels.attach(term, 1, open);
  source.print('bye');
  source.end({ code: 0 });
  assert.deepEqual(got.get(1)!.map((f) => f.type), ['data', 'exit']);
});
