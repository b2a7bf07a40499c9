// Presenter mode's typist (renderer/src/terminal/type-into-terminal.ts), on a mocked clock: a
// character at a time at the pace given, a longer pause after each Enter, and a stop that holds.
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { typeIntoTerminal } from '../../renderer/src/terminal/type-into-terminal.js';

const PACE = { charMs: 30, lineMs: 500 };

beforeEach(() => mock.timers.enable({ apis: ['setTimeout'] }));
afterEach(() => mock.timers.reset());

/** What `write` got, as one string, with the typing. */
function typist(text: string) {
  let written = '';
  const typing = typeIntoTerminal(text, (c) => { written += c; }, PACE);
  return { typing, written: () => written };
}

test('typist: one character a tick at the pace, the first a tick after the start', async () => {
  const { typing, written } = typist('ls -l\r');
  assert.equal(written(), '', 'nothing is written during the call');
  mock.timers.tick(0);
  assert.equal(written(), 'l');
  for (const want of ['ls', 'ls ', 'ls -', 'ls -l', 'ls -l\r']) {
    mock.timers.tick(29);
    assert.notEqual(written(), want, 'not before its time');
    mock.timers.tick(1);
    assert.equal(written(), want);
  }
  assert.equal(await typing.done, true);
});

test('typist: a pause after each Enter, so the output shows before the next line', () => {
  const { written } = typist('a\rb\r');
  mock.timers.tick(0);
  mock.timers.tick(30);
  assert.equal(written(), 'a\r');
  mock.timers.tick(499);
  assert.equal(written(), 'a\r', 'still the pause after Enter');
  mock.timers.tick(1);
  assert.equal(written(), 'a\rb');
  mock.timers.tick(30);
  assert.equal(written(), 'a\rb\r');
});

test('typist: stop halts between characters and resolves false; stopping again is harmless', async () => {
  const { typing, written } = typist('echo hello\r');
  mock.timers.tick(0);
  for (let i = 0; i < 3; i++) mock.timers.tick(30);
  assert.equal(written(), 'echo');
  typing.stop();
  for (let i = 0; i < 100; i++) mock.timers.tick(100);
  assert.equal(written(), 'echo', 'nothing after the stop');
  assert.equal(await typing.done, false);
  typing.stop();
  assert.equal(await typing.done, false);
});

test('typist: a write that stops the typing is its last', async () => {
  let written = '';
  const typing = typeIntoTerminal('abc\r', (c) => {
    written += c;
    if (c === 'b') typing.stop();
  }, PACE);
  for (let i = 0; i < 10; i++) mock.timers.tick(30);
  assert.equal(written, 'ab');
  assert.equal(await typing.done, false);
});

test('typist: characters beyond 16 bits go out whole, and an empty script ends at once', async () => {
  const { typing, written } = typist('é🐳\r');
  mock.timers.tick(0);
  assert.equal(written(), 'é');
  mock.timers.tick(30);
  assert.equal(written(), 'é🐳', 'the whale is one code point, not two halves');
  mock.timers.tick(30);
  assert.equal(await typing.done, true);
  const empty = typist('');
  mock.timers.tick(0);
  assert.equal(await empty.typing.done, true);
  assert.equal(empty.written(), '');
});
