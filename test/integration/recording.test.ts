// Recording a real lab's terminals through `labvisor serve`: a container terminal of
// volume-backup recorded while the learner types, a terminal opened later joining, step markers,
// the .cast files parsed as asciicast v2 from the data folder; then a recording stopped by the
// session's stop.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { RecordingSummary, SessionInfo, TerminalInfo } from '../../electron/shared/api.js';
import { engineOrSkip, labelled, nothing } from './support.js';
import { Client, serve, stopServing, TerminalView, type Served } from './ws-client.js';
import { plainText } from './terminal-text.js';

const engine = await engineOrSkip();

type Cast = { header: Record<string, unknown>; events: [number, string, string][] };
function parseCast(text: string): Cast {
  const lines = text.trimEnd().split('\n');
  const header = JSON.parse(lines[0]!) as Record<string, unknown>;
  const events = lines.slice(1).map((l) => JSON.parse(l) as [number, string, string]);
  for (const e of events) {
    assert.ok(typeof e[0] === 'number' && ['o', 'r', 'm'].includes(e[1]) && typeof e[2] === 'string', `not a v2 event: ${JSON.stringify(e)}`);
  }
  return { header, events };
}
const output = (c: Cast) => plainText(c.events.filter((e) => e[1] === 'o').map((e) => e[2]).join(''));

describe('recording the terminals of a lab session', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;
  let s: Served;
  let c: Client;
  let session: SessionInfo;
  let channel = 1;

  before(async () => {
    s = await serve();
    c = await Client.open(s);
    session = await c.ok<SessionInfo>('startLab', { lab: 'volume-backup' });
  });

  after(async () => {
    if (!s) return;
    await stopServing(s);
    if (session) assert.deepEqual(await labelled(docker, session.id), nothing);
  });

  const open = async (machine: string) => {
    const info = await c.ok<TerminalInfo>('openTerminal', { session: session.id, machine, cols: 90, rows: 25 });
    return TerminalView.attach(c, info.id, channel++);
  };

  test('what the learner types, in every terminal, with the steps as markers', async () => {
    const app = await open('app');
    await app.waitFor(/[#$] $/);
    assert.match(JSON.stringify(await c.call('markRecording', { session: session.id, label: 'x' })), /"code":"conflict".*not being recorded/);

    const { id } = await c.ok<{ id: string }>('startRecording', { session: session.id });
    assert.match(id, new RegExp(`^volume-backup-${session.id}-\\d{8}T\\d{6}Z$`));
    assert.match(JSON.stringify(await c.call('startRecording', { session: session.id })), /"code":"conflict".*recorded already/);
    const told = [...c.events].reverse().find((e) => e.event === 'session' && e.session.id === session.id);
    assert.deepEqual(told?.event === 'session' && told.session.recording, { id, active: true }, 'every UI hears that it records');

    await c.ok('markRecording', { session: session.id, label: 'Store some records' });
    let at = app.mark();
    app.type('echo recorded-$((6*7)) é€\r');
    await app.waitFor(/^recorded-42 é€$/m, at);
    const host = await open('host'); // opened after the start: joins the recording
    await host.waitFor(/[#$] $/);
    await c.ok('markRecording', { session: session.id, label: 'Back it up' });
    at = host.mark();
    host.type('echo from-the-host\r');
    await host.waitFor(/^from-the-host$/m, at);
    app.resize(100, 30);
    await new Promise((r) => setTimeout(r, 300));

    const listed = (await c.ok<{ recordings: RecordingSummary[] }>('listRecordings', {})).recordings.find((r) => r.id === id);
    assert.equal(listed?.active, true);
    assert.deepEqual(await c.ok('stopRecording', { session: session.id }), { id });
    const after = (await c.ok<{ recordings: RecordingSummary[] }>('listRecordings', {})).recordings.find((r) => r.id === id)!;
    assert.equal(after.active, false);
    assert.equal(after.lab, 'volume-backup');
    assert.deepEqual(after.machines.map((m) => m.file), ['app.cast', 'host.cast']);

    // The files in the data folder, as asciinema would read them.
    const dir = join(process.env.LABVISOR_DATA_DIR!, 'recordings', id);
    assert.deepEqual(readdirSync(dir).sort(), ['app.cast', 'host.cast']);
    const appCast = parseCast(readFileSync(join(dir, 'app.cast'), 'utf8'));
    assert.equal(appCast.header.version, 2);
    assert.deepEqual([appCast.header.width, appCast.header.height], [90, 25]);
    assert.match(output(appCast), /echo recorded-\$\(\(6\*7\)\) é€\s+recorded-42 é€/);
    assert.doesNotMatch(output(appCast), /\uFFFD/, 'no character split between events');
    assert.deepEqual(appCast.events.filter((e) => e[1] === 'm').map((e) => e[2]), ['Store some records', 'Back it up']);
    assert.ok(appCast.events.some((e) => e[1] === 'r' && e[2] === '100x30'));
    const hostCast = parseCast(readFileSync(join(dir, 'host.cast'), 'utf8'));
    assert.match(output(hostCast), /from-the-host/);
    assert.deepEqual(hostCast.events.filter((e) => e[1] === 'm').map((e) => e[2]), ['Store some records', 'Back it up'], 'a late terminal has the markers too');
    const marker = after.machines[0]!.markers[1]!;
    assert.equal(marker.label, 'Back it up');
    assert.ok(after.machines[0]!.duration >= marker.at);

    const got = await c.ok<{ text: string }>('getRecording', { id, file: 'app.cast' });
    assert.equal(got.text, readFileSync(join(dir, 'app.cast'), 'utf8'));
    assert.match(JSON.stringify(await c.call('getRecording', { id: '../../etc', file: 'app.cast' })), /"code":"bad-request".*params\.id/);
    assert.match(JSON.stringify(await c.call('getRecording', { id, file: 'nope.cast' })), /"code":"not-found"/);
    // What was typed after the stop is not in the file.
    app.type('echo after-the-stop\r');
    await app.waitFor(/^after-the-stop$/m);
    assert.doesNotMatch(readFileSync(join(dir, 'app.cast'), 'utf8'), /after-the-stop/);
  });

  test('stopping the session stops its recording, after the terminals\' last output', async () => {
    const app = await open('app');
    await app.waitFor(/[#$] $/);
    // Stopped and started again within a second: a recording of its own.
    const quick = await c.ok<{ id: string }>('startRecording', { session: session.id });
    await c.ok('stopRecording', { session: session.id });
    const { id } = await c.ok<{ id: string }>('startRecording', { session: session.id });
    assert.notEqual(id, quick.id);
    const at = app.mark();
    app.type('echo last-words\r');
    await app.waitFor(/^last-words$/m, at);
    await c.ok('stopLab', { session: session.id });
    const rec = (await c.ok<{ recordings: RecordingSummary[] }>('listRecordings', {})).recordings.find((r) => r.id === id)!;
    assert.equal(rec.active, false);
    const texts = await Promise.all(rec.machines.map(async (m) => (await c.ok<{ text: string }>('getRecording', { id, file: m.file })).text));
    assert.match(texts.map((t) => output(parseCast(t))).join('\n'), /last-words/);
    assert.match(JSON.stringify(await c.call('stopRecording', { session: session.id })), /"code":"not-found"/);
  });
});
