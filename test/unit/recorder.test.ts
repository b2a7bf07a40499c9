// Recordings at unit level (the real machines are in test/integration/recording.test.ts): the
// asciicast v2 lines, whole characters, markers for late terminals, the size limit, the list,
// and ids that would reach outside the recordings folder.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseRequest } from '../../electron/shared/api.js';
import { Recording, type RecordedTerminals } from '../../electron/engine/terminals/recorder.js';
import { listRecordings, readCast, recordingDir, recordingId } from '../../electron/engine/terminals/recording-files.js';
import { TerminalSession } from '../../electron/engine/terminals/terminal-session.js';
import { FakeSource } from './fake-source.js';
import { CastError, IDLE_LIMIT_S, formatTime, parseCast as readCastText } from '../../renderer/src/recordings/cast.js';
import { CastClock, type ClockState, type Timer } from '../../renderer/src/recordings/cast-clock.js';
import { parseRoute, routeHash } from '../../renderer/src/app/route.js';

const root = mkdtempSync(join(tmpdir(), 'labvisor-recordings-'));
after(() => rmSync(root, { recursive: true, force: true }));

/** A session's terminals, opened by hand. */
class Terminals implements RecordedTerminals {
  private readonly open = new Set<TerminalSession>();
  private readonly listeners = new Set<(t: TerminalSession) => void>();
  list() { return [...this.open]; }
  onOpen(l: (t: TerminalSession) => void) { this.listeners.add(l); return () => { this.listeners.delete(l); }; }
  add(machine: string) {
    const source = new FakeSource();
    const t = new TerminalSession(machine, 'container', source, { cols: 80, rows: 24 });
    this.open.add(t);
    for (const l of this.listeners) l(t);
    return { source, t };
  }
}

function parseCast(text: string) {
  const [header, ...events] = text.trimEnd().split('\n').map((l) => JSON.parse(l) as unknown);
  return { header: header as Record<string, unknown>, events: events as [number, string, string][] };
}

let sessionCount = 0;
function newId(): string {
  return recordingId('demo-lab', `sess${String(sessionCount++).padStart(4, '0')}`, new Date());
}

test('writes asciicast v2: header, output in whole characters, resizes, markers; late terminals join with the earlier markers', async () => {
  const terminals = new Terminals();
  const box = terminals.add('box');
  box.source.print('before the recording\r\n');
  const id = newId();
  const rec = await Recording.start(terminals, { dir: recordingDir(id, root), lab: 'demo-lab' });
  rec.mark('Step one');
  const euro = Buffer.from('€ uptime\r\n');
  box.source.print(euro.subarray(0, 1)); // a character cut in two by the machine
  box.source.print(euro.subarray(1));
  box.t.resize(100, 30);
  const vm = terminals.add('box'); // a second terminal on the same machine
  rec.mark('Step two');
  vm.source.print('second shell\r\n');
  await rec.stop();
  box.source.print('after the stop\r\n');

  assert.deepEqual(readdirSync(recordingDir(id, root)).sort(), ['box-2.cast', 'box.cast']);
  const first = parseCast(readFileSync(join(recordingDir(id, root), 'box.cast'), 'utf8'));
  assert.equal(first.header.version, 2);
  assert.equal(first.header.width, 80);
  assert.equal(first.header.height, 24);
  assert.equal(typeof first.header.timestamp, 'number');
  assert.equal(first.header.title, 'demo-lab — box');
  assert.deepEqual(first.header.env, { TERM: 'xterm-256color', SHELL: '/bin/sh' });
  const codes = first.events.map((e) => [e[1], e[2]]);
  assert.deepEqual(codes, [['m', 'Step one'], ['o', '€ uptime\r\n'], ['r', '100x30'], ['m', 'Step two']],
    'from the start only, never half a character, until the stop');
  const times = first.events.map((e) => e[0]);
  assert.deepEqual(times, [...times].sort((a, b) => a - b), 'time never goes back');
  const second = parseCast(readFileSync(join(recordingDir(id, root), 'box-2.cast'), 'utf8'));
  assert.deepEqual(second.events.map((e) => [e[1], e[2]]), [['m', 'Step one'], ['m', 'Step two'], ['o', 'second shell\r\n']]);

  const listed = (await listRecordings(root)).find((r) => r.id === id)!;
  assert.equal(listed.lab, 'demo-lab');
  assert.match(listed.startedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
  assert.deepEqual(listed.machines.map((m) => m.file), ['box-2.cast', 'box.cast']);
  assert.deepEqual(listed.machines[1]!.markers.map((m) => m.label), ['Step one', 'Step two']);
  assert.ok(listed.machines[1]!.bytes > 100);
  assert.equal(listed.machines[1]!.duration, times.at(-1));
  assert.equal(await readCast(id, 'box.cast', root), readFileSync(join(recordingDir(id, root), 'box.cast'), 'utf8'));
});

test('a terminal that ends closes its file; the recording goes on for the others', async () => {
  const terminals = new Terminals();
  const a = terminals.add('a');
  const b = terminals.add('b');
  const id = newId();
  const rec = await Recording.start(terminals, { dir: recordingDir(id, root), lab: 'demo-lab' });
  a.source.print('bye\r\n');
  a.source.end({ code: 0 });
  b.source.print('still here\r\n');
  assert.equal(rec.active, true);
  await rec.stop();
  assert.match(await readCast(id, 'a.cast', root), /bye/);
  assert.match(await readCast(id, 'b.cast', root), /still here/);
});

test('past its size limit a recording stops itself with a notice, and its files stay valid', async () => {
  const terminals = new Terminals();
  const box = terminals.add('box');
  const id = newId();
  const notices: string[] = [];
  const rec = await Recording.start(terminals, { dir: recordingDir(id, root), lab: 'demo-lab', maxBytes: 4096, onStopped: (n) => notices.push(n) });
  for (let i = 0; i < 100; i++) box.source.print(`line ${i} ${'x'.repeat(60)}\r\n`);
  assert.equal(rec.active, false);
  assert.match(rec.notice ?? '', /stopped at its size limit/);
  assert.deepEqual(notices, [rec.notice], 'told once');
  rec.mark('too late');
  await rec.stop();
  assert.match(rec.notice ?? '', /size limit/, 'stopping later keeps the reason');
  const text = await readCast(id, 'box.cast', root);
  assert.ok(Buffer.byteLength(text) <= 4096);
  const { events } = parseCast(text);
  assert.ok(events.length > 10 && events.every((e) => e[1] === 'o'));
});

test('recording ids and file names that reach outside the recordings folder are refused', async () => {
  for (const id of ['../etc', '../../demo-lab-sess0000-20260101T000000Z', 'demo-lab-sess0000-20260101T000000Z/..', '/tmp/x', '']) {
    assert.throws(() => recordingDir(id, root), /is not a recording id/, id);
    await assert.rejects(readCast(id, 'box.cast', root), /is not a recording id/, id);
  }
  const id = newId();
  for (const file of ['../box.cast', 'box.cast/..', '..', 'box.txt', 'Box.cast']) {
    await assert.rejects(readCast(id, file, root), /is not a recording file/, file);
  }
  await assert.rejects(readCast(id, 'box.cast', root), /no recording .* with a file "box.cast"/);
  mkdirSync(recordingDir(id, root));
  symlinkSync('/etc/passwd', join(recordingDir(id, root), 'box.cast'));
  await assert.rejects(readCast(id, 'box.cast', root), /is a link, not a recording file/);
  assert.deepEqual((await listRecordings(root)).find((r) => r.id === id)?.machines, [], 'a link is not listed either');
  assert.match(JSON.stringify(parseRequest({ id: 1, method: 'getRecording', params: { id: '../../etc', file: 'box.cast' } })), /params\.id: must be a recording id/);
  assert.match(JSON.stringify(parseRequest({ id: 1, method: 'getRecording', params: { id, file: '../passwd' } })), /params\.file: must be a recording file/);
  assert.match(JSON.stringify(parseRequest({ id: 1, method: 'markRecording', params: { session: 'ab12cd34', label: 'a\u001b[2Jb' } })), /params\.label/);
});

test('the list skips what is not a recording and survives a line cut by a crash', async () => {
  mkdirSync(join(root, 'not-a-recording'), { recursive: true });
  const id = newId();
  mkdirSync(recordingDir(id, root));
  writeFileSync(join(recordingDir(id, root), 'box.cast'), '{"version":2,"width":80,"height":24}\n[0.5,"o","hi"]\n[1.5,"m","Step"]\n[2.0,"o","cu');
  writeFileSync(join(recordingDir(id, root), 'notes.txt'), 'not a cast');
  const all = await listRecordings(root);
  assert.ok(all.every((r) => r.id !== 'not-a-recording'));
  const mine = all.find((r) => r.id === id)!;
  assert.deepEqual(mine.machines, [{ file: 'box.cast', bytes: mine.machines[0]!.bytes, duration: 1.5, markers: [{ at: 1.5, label: 'Step' }] }]);
  assert.deepEqual(await listRecordings(join(root, 'nothing-here')), []);
});

test('the player reads a cast: idle stretches shortened, markers, a cut last line; junk refused', () => {
  const cast = readCastText('{"version":2,"width":90,"height":25,"title":"t"}\n[0.5,"o","a"]\n[1.0,"m","Step"]\n[600.0,"o","b"]\n[600.5,"r","100x30"]\n[601,"o","c');
  assert.deepEqual([cast.width, cast.height, cast.title], [90, 25, 't']);
  assert.deepEqual(cast.events.map((e) => [e.at, e.code, e.data]), [[0.5, 'o', 'a'], [1, 'm', 'Step'], [1 + IDLE_LIMIT_S, 'o', 'b'], [1.5 + IDLE_LIMIT_S, 'r', '100x30']]);
  assert.deepEqual(cast.markers, [{ at: 1, label: 'Step' }]);
  assert.equal(cast.duration, 1.5 + IDLE_LIMIT_S);
  assert.throws(() => readCastText(''), CastError);
  assert.throws(() => readCastText('{"version":1,"width":80,"height":24}'), /asciicast v2/);
  assert.throws(() => readCastText('{"version":2,"width":0,"height":24}'), /width/);
  assert.equal(formatTime(75.9), '1:15');
});

test('the player\'s clock: plays at 1x and 4x, pauses, seeks back by drawing anew, follows resizes', () => {
  const cast = readCastText('{"version":2,"width":80,"height":24}\n[1,"o","one "]\n[2,"m","Two"]\n[2,"o","two "]\n[3,"r","100x30"]\n[4,"o","four"]');
  let wall = 0;
  let tick = () => {};
  const timer: Timer = { now: () => wall, every: (_ms, t) => { tick = t; return () => { tick = () => {}; }; } };
  const screen: string[] = [];
  const states: ClockState[] = [];
  const clock = new CastClock(cast, {
    reset: (c, r) => { screen.length = 0; screen.push(`[${c}x${r}]`); },
    write: (d) => screen.push(d),
    resize: (c, r) => screen.push(`[${c}x${r}]`),
  }, (st) => states.push(st), timer);
  const at = (ms: number) => { wall = ms; tick(); };
  clock.play();
  at(1500);
  assert.deepEqual(screen, ['[80x24]', 'one ']);
  clock.pause();
  at(10_000);
  assert.deepEqual(screen, ['[80x24]', 'one '], 'paused: nothing more');
  clock.setSpeed(4);
  clock.play();
  at(10_500); // 1.5 s + 0.5 s x 4 = 3.5 s
  assert.deepEqual(screen, ['[80x24]', 'one ', 'two ', '[100x30]']);
  at(11_000);
  assert.equal(clock.state.ended, true);
  assert.equal(clock.state.playing, false, 'stops at the end');
  assert.deepEqual(screen.at(-1), 'four');
  clock.seek(cast.markers[0]!.at); // back to the marker: the screen as it was then
  assert.deepEqual(screen, ['[80x24]', 'one two ']);
  assert.equal(states.at(-1)!.position, 2);
  clock.dispose();
});

test('routes: the recordings page and one recording; a malformed id is the list', () => {
  assert.deepEqual(parseRoute('#/recordings'), { page: 'recordings' });
  const id = 'volume-backup-ab12cd34-20261128T143452Z';
  assert.deepEqual(parseRoute(`#/recordings/${id}`), { page: 'recordings', id });
  assert.deepEqual(parseRoute('#/recordings/..%2F..%2Fetc'), { page: 'recordings' });
  assert.equal(routeHash({ page: 'recordings', id }), `#/recordings/${id}`);
  assert.equal(routeHash({ page: 'recordings' }), '#/recordings');
  assert.deepEqual(parseRoute('#/lab/volume-backup'), { page: 'lab', lab: 'volume-backup' });
});
