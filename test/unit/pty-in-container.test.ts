// The byte-level parts of the in-container pty: the exec's frames, telnetd's framing and the
// shell's exit-code marker, each fed in every possible split, as a socket may deliver them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExecDemuxer, type ExecOutput } from '../../electron/engine/machines/exec-demux.js';
import { encodeInput, nawsFrame, TelnetDecoder } from '../../electron/engine/terminals/telnet-codec.js';
import { EXIT_OSC_PREFIX, ShellExitFilter } from '../../electron/engine/terminals/shell-exit-marker.js';

/** Feeds `bytes` cut at every pair of positions (three pieces) through `run`, which returns the output of one feeding. */
function everySplit(bytes: Buffer, run: (pieces: Buffer[]) => string): Set<string> {
  const outs = new Set<string>();
  for (let i = 0; i <= bytes.length; i++) {
    for (let j = i; j <= bytes.length; j++) outs.add(run([bytes.subarray(0, i), bytes.subarray(i, j), bytes.subarray(j)]));
  }
  return outs;
}

function frame(type: number, payload: string): Buffer {
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(Buffer.byteLength(payload), 4);
  return Buffer.concat([header, Buffer.from(payload)]);
}

test('exec frames: stdout and stderr come apart whatever the cuts, headers split included', () => {
  const bytes = Buffer.concat([frame(1, 'hello '), frame(2, 'oops'), frame(1, 'world')]);
  const outs = everySplit(bytes, (pieces) => {
    const got: Record<ExecOutput, string> = { stdout: '', stderr: '' };
    const demux = new ExecDemuxer((stream, b) => { got[stream] += b.toString(); });
    pieces.forEach((p) => demux.push(p));
    return JSON.stringify(got);
  });
  assert.deepEqual([...outs], [JSON.stringify({ stdout: 'hello world', stderr: 'oops' })]);
});

test('telnet: option offers and subnegotiations vanish, a doubled 0xFF is one byte, wherever the chunks are cut', () => {
  const bytes = Buffer.from([0xff, 0xfd, 0x01, 0xff, 0xfd, 0x1f, 0x41, 0xff, 0xff, 0x42, 0xff, 0xfa, 0x1f, 0, 80, 0, 24, 0xff, 0xf0, 0x43, 0xff, 0xf1, 0x44]);
  const outs = everySplit(bytes, (pieces) => {
    const d = new TelnetDecoder();
    return Buffer.concat(pieces.map((p) => d.decode(p))).toString('latin1');
  });
  assert.deepEqual([...outs], ['A\xffBCD']);
});

test('telnet: keys go out with CR as CR NUL and 0xFF doubled; plain text untouched', () => {
  assert.deepEqual(encodeInput('ls -l\r'), Buffer.from('ls -l\r\0'));
  assert.deepEqual(encodeInput('a\r\nb'), Buffer.from('a\r\0\nb'));
  assert.deepEqual(encodeInput('héllo'), Buffer.from('héllo'));
  assert.deepEqual(encodeInput('\x03'), Buffer.from([3]));
});

test('telnet: the window size is a NAWS subnegotiation, a 255 in it doubled', () => {
  assert.deepEqual(nawsFrame(120, 40), Buffer.from([0xff, 0xfa, 31, 0, 120, 0, 40, 0xff, 0xf0]));
  assert.deepEqual(nawsFrame(255, 511), Buffer.from([0xff, 0xfa, 31, 0, 0xff, 0xff, 1, 0xff, 0xff, 0xff, 0xf0]));
});

test('exit marker: the code is taken and the marker removed, however it is cut; other escapes pass', () => {
  const text = `bye\r\n\x1b]0;title\x07${EXIT_OSC_PREFIX}42\x07`;
  const outs = everySplit(Buffer.from(text, 'latin1'), (pieces) => {
    const f = new ShellExitFilter();
    const shown = Buffer.concat([...pieces.map((p) => f.filter(p)), f.flush()]).toString('latin1');
    return JSON.stringify({ shown, code: f.code });
  });
  assert.deepEqual([...outs], [JSON.stringify({ shown: 'bye\r\n\x1b]0;title\x07', code: 42 })]);
});

test('exit marker: a look-alike that is not whole is shown as printed, and no code is made up', () => {
  const f = new ShellExitFilter();
  const text = `${EXIT_OSC_PREFIX}not a number at all\x07 and more`;
  const shown = Buffer.concat([f.filter(Buffer.from(text, 'latin1')), f.flush()]).toString('latin1');
  assert.equal(shown, text);
  assert.equal(f.code, undefined);
});
