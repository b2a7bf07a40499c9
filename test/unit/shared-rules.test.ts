// Each rule for names, ids, terminal sizes and machine kinds is written once (electron/shared/ids.ts,
// api-types.ts): every place that checks one must accept and refuse the same values, with the
// same limit. Pins that the lab format, the API, bundles, the engine and the UI agree.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MachineKind, parseRequest } from '../../electron/shared/api.js';
import { MAX_TERMINAL_CELLS } from '../../electron/shared/ids.js';
import { TerminalInFrame } from '../../electron/shared/terminal-frames.js';
import { Lab, Machine } from '../../electron/engine/labs/schema.js';
import { BundleManifest } from '../../electron/engine/images/bundle-manifest.js';
import { isSessionId, newSessionId } from '../../electron/engine/sessions/names.js';
import { recordingId } from '../../electron/engine/terminals/recording-files.js';
import { assertSize, TerminalSizeError } from '../../electron/engine/terminals/terminal-session.js';
import { parseCast } from '../../renderer/src/recordings/cast.js';
import { parseRecordingHash } from '../../renderer/src/recordings/recording-route.js';
import { parseRoute } from '../../renderer/src/app/route.js';
import { labOfHref } from '../../renderer/src/player/lab-links.js';

const NAMES: Array<[string, boolean]> = [
  ['a', true], ['web-app', true], ['lab2', true], [`a${'b'.repeat(30)}`, true],
  ['', false], [`a${'b'.repeat(31)}`, false], ['2fast', false], ['-x', false], ['Web', false], ['a_b', false], ['../etc', false], ['a.b', false],
];

test('lab names: the lab format, the API, bundle manifests and the UI\'s links accept and refuse the same ones', () => {
  const manifest = (id: string) => ({
    format: 1, labvisor: '1.0.0', created: '2026-01-01T00:00:00Z', platforms: ['linux/amd64'],
    labs: [{ id, title: 'A lab', hash: 'a'.repeat(64) }], images: [], payloads: [],
  });
  for (const [id, ok] of NAMES) {
    assert.equal(Lab.shape.id.safeParse(id).success, ok, `lab.yaml id ${JSON.stringify(id)}`);
    assert.equal(parseRequest({ id: 1, method: 'startLab', params: { lab: id } }).ok, ok, `API lab ${JSON.stringify(id)}`);
    assert.equal(BundleManifest.safeParse(manifest(id)).success, ok, `bundle lab ${JSON.stringify(id)}`);
    assert.equal(labOfHref(`lab:${id}`) === id, ok, `lab: link ${JSON.stringify(id)}`);
    assert.deepEqual(parseRoute(`#/lab/${id}`), ok ? { page: 'lab', lab: id } : { page: 'catalog' }, `route ${JSON.stringify(id)}`);
  }
  const api = parseRequest({ id: 1, method: 'startLab', params: { lab: 'Web' } });
  const lab = Lab.shape.id.safeParse('Web');
  assert.ok(!api.ok && !lab.success);
  assert.equal(api.message, `startLab: params.lab: ${lab.error.issues[0]!.message}`, 'one wording');
});

test('session and recording ids: what the engine makes, the API and the UI accept', () => {
  const session = newSessionId();
  for (const [id, ok] of [[session, true], ['ab12cd34', true], ['AB12CD34', false], ['ab12cd3', false], ['ab12cd345', false]] as const) {
    assert.equal(isSessionId(id), ok, id);
    assert.equal(parseRequest({ id: 1, method: 'stopLab', params: { session: id } }).ok, ok, id);
  }
  const recording = recordingId('web-app', session, new Date('2026-03-04T05:06:07.890Z'));
  assert.equal(recording, `web-app-${session}-20260304T050607Z`);
  assert.ok(parseRequest({ id: 1, method: 'getRecording', params: { id: recording, file: 'app.cast' } }).ok);
  assert.deepEqual(parseRecordingHash(`#/recordings/${recording}`), { id: recording });
  assert.throws(() => recordingId('Web', session, new Date()), /cannot make a recording id/);
  assert.deepEqual(parseRecordingHash('#/recordings/Web-ab12cd34-20260304T050607Z'), {});
});

test(`terminal sizes: 1 to ${MAX_TERMINAL_CELLS} for the API, terminal frames, the engine and recordings alike`, () => {
  const open = (cols: number) => parseRequest({ id: 1, method: 'openTerminal', params: { session: 'ab12cd34', machine: 'box', cols, rows: 24 } }).ok;
  const resize = (cols: number) => TerminalInFrame.safeParse({ type: 'resize', cols, rows: 24 }).success;
  const engine = (cols: number) => { try { assertSize(cols, 24); return true; } catch (err) { assert.ok(err instanceof TerminalSizeError); return false; } };
  const cast = (width: number) => { try { parseCast(`{"version":2,"width":${width},"height":24}\n`); return true; } catch { return false; } };
  for (const [cols, ok] of [[1, true], [MAX_TERMINAL_CELLS, true], [0, false], [MAX_TERMINAL_CELLS + 1, false], [80.5, false]] as const) {
    assert.deepEqual([open(cols), resize(cols), engine(cols), cast(cols)], [ok, ok, ok, ok], `${cols} columns`);
  }
  assert.throws(() => assertSize(MAX_TERMINAL_CELLS + 1, 24), new RegExp(`from 1 to ${MAX_TERMINAL_CELLS},`));
});

test('machine kinds: the lab format has a machine schema for each kind of the one list, and no other', () => {
  const kinds = Machine.options.map((m) => m.shape.kind.value);
  assert.deepEqual([...kinds].sort(), [...MachineKind.options].sort());
});
