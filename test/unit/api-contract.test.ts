// The LabApi contract: requests checked with a message naming the field, the dispatcher never
// throwing, results held to the contract, and the binary terminal frame layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiError, Event, parseRequest, type LabApi, type Params } from '../../electron/shared/api.js';
import { decodeTerminalIn, decodeTerminalOut, encodeTerminalIn, encodeTerminalOut, TerminalFrameError } from '../../electron/shared/api-wire.js';
import { dispatch } from '../../electron/host-common/dispatch.js';

function fail(data: unknown): { id: unknown; message: string } {
  const r = parseRequest(data);
  assert.equal(r.ok, false, `expected ${JSON.stringify(data)} to be refused`);
  return r as { id: unknown; message: string };
}

test('well-formed requests pass', () => {
  assert.deepEqual(parseRequest({ id: 1, method: 'listLabs' }), { ok: true, request: { id: 1, method: 'listLabs', params: undefined } });
  assert.deepEqual(parseRequest({ id: 'a', method: 'checkStep', params: { session: 'ab12cd34', step: 'write-records' } }),
    { ok: true, request: { id: 'a', method: 'checkStep', params: { session: 'ab12cd34', step: 'write-records' } } });
});

test('malformed requests are refused with a message naming the field', () => {
  assert.match(fail(null).message, /^not a request: /);
  assert.equal(fail({ method: 'listLabs' }).id, null, 'no id: nothing to answer');
  assert.match(fail({ method: 'listLabs' }).message, /id: /);
  assert.match(fail({ id: 1 }).message, /method: /);
  assert.match(fail({ id: 1, method: 'listLabs', extra: true }).message, /extra/);
  const unknown = fail({ id: 7, method: 'rmRf' });
  assert.equal(unknown.id, 7);
  assert.match(unknown.message, /unknown method "rmRf"; expected one of: doctor, listLabs/);
  assert.match(fail({ id: 1, method: 'toString' }).message, /unknown method/, 'no inherited property is a method');
  assert.match(fail({ id: 1, method: 'startLab', params: {} }).message, /^startLab: params\.lab: /);
  assert.match(fail({ id: 1, method: 'startLab', params: { lab: '../../etc' } }).message, /params\.lab: must be lowercase letters, digits and dashes, starting with a letter/);
  assert.match(fail({ id: 1, method: 'checkStep', params: { session: 'AB', step: 'x' } }).message, /params\.session: must be a session id/);
  assert.match(fail({ id: 1, method: 'stopLab', params: { session: 'ab12cd34', force: true } }).message, /params: .*force/);
  assert.match(fail({ id: -1, method: 'listLabs' }).message, /id/);
});

test('terminal and progress requests: sizes, ids and channels are checked', () => {
  assert.ok(parseRequest({ id: 1, method: 'openTerminal', params: { session: 'ab12cd34', machine: 'box', cols: 80, rows: 24 } }).ok);
  assert.match(fail({ id: 1, method: 'openTerminal', params: { session: 'ab12cd34', machine: 'box', cols: 0, rows: 24 } }).message, /params\.cols/);
  assert.match(fail({ id: 1, method: 'openTerminal', params: { session: 'ab12cd34', machine: 'box', cols: 80, rows: 1001 } }).message, /params\.rows/);
  assert.ok(parseRequest({ id: 1, method: 'attachTerminal', params: { terminal: 't-0123456789ab', channel: 1 } }).ok);
  assert.match(fail({ id: 1, method: 'attachTerminal', params: { terminal: 't-0123456789ab' } }).message, /params\.channel/, 'the UI picks the channel');
  assert.match(fail({ id: 1, method: 'attachTerminal', params: { terminal: '../x', channel: 1 } }).message, /params\.terminal: must be a terminal id/);
  assert.match(fail({ id: 1, method: 'detachTerminal', params: { channel: 0 } }).message, /params\.channel/);
  assert.match(fail({ id: 1, method: 'saveProgress', params: { lab: 'x', passed: ['Bad Step'], hintsShown: {}, solutionsShown: [] } }).message, /params\.passed\.0/);
});

test('events follow the contract', () => {
  assert.ok(Event.safeParse({ type: 'event', event: 'progress', session: 'ab12cd34', progress: { task: 'image app', phase: 'building' } }).success);
  assert.ok(Event.safeParse({ type: 'event', event: 'session', session: { id: 'ab12cd34', lab: 'x', state: 'running', machines: [] } }).success);
  assert.equal(Event.safeParse({ type: 'event', event: 'session', session: { id: 'ab12cd34', lab: 'x', state: 'dancing', machines: [] } }).success, false);
  assert.ok(Event.safeParse({ type: 'event', event: 'bundle', progress: { phase: 'load', doneBytes: 5, totalBytes: 10, rateBps: 2, etaS: 2.5 } }).success);
  assert.equal(Event.safeParse({ type: 'event', event: 'bundle', progress: { phase: 'unpack', doneBytes: 5, totalBytes: 10, rateBps: 2 } }).success, false);
});

/** An API whose methods answer from a table; anything else throws. */
function fakeApi(impl: Partial<Record<keyof LabApi, (p: unknown) => Promise<unknown>>>): LabApi {
  return new Proxy({} as LabApi, {
    get: (_t, key: string) => impl[key as keyof LabApi] ?? (async () => { throw new Error(`${key} is not faked`); }),
  });
}

test('dispatch answers by id, maps errors to codes, and holds results to the contract', async () => {
  const lines: string[] = [];
  const log = (l: string) => lines.push(l);
  const api = fakeApi({
    listLabs: async () => ({ labs: [] }),
    stopLab: async (p) => { throw new ApiError('not-found', `no session "${(p as Params<'stopLab'>).session}"`); },
    checkStep: async () => ({ ok: 'yes' }),
    getStep: async () => { throw new Error('disk on fire'); },
  });
  assert.deepEqual(await dispatch(api, { id: 1, method: 'listLabs' }, log), { kind: 'reply', response: { type: 'response', id: 1, ok: true, result: { labs: [] } } });
  assert.deepEqual(await dispatch(api, { id: 2, method: 'stopLab', params: { session: 'ab12cd34' } }, log),
    { kind: 'reply', response: { type: 'response', id: 2, ok: false, error: { code: 'not-found', message: 'no session "ab12cd34"' } } });
  const broken = await dispatch(api, { id: 3, method: 'checkStep', params: { session: 'ab12cd34', step: 'a' } }, log);
  assert.equal(broken.kind === 'reply' && !broken.response.ok && broken.response.error.code, 'internal');
  assert.match(JSON.stringify(broken), /breaks the API contract: result\.ok/);
  const thrown = await dispatch(api, { id: 4, method: 'getStep', params: { lab: 'a', step: 'b' } }, log);
  assert.match(JSON.stringify(thrown), /"code":"internal","message":"disk on fire"/);
  const bad = await dispatch(api, { id: 5, method: 'startLab', params: { lab: 5 } }, log);
  assert.equal(bad.kind === 'reply' && !bad.response.ok && bad.response.error.code, 'bad-request');
  assert.deepEqual(await dispatch(api, 'hello', log), { kind: 'refuse', reason: 'not a request: Invalid input: expected object, received string' });
  assert.ok(lines.some((l) => /refused a request/.test(l)), 'malformed requests are logged');
  assert.ok(lines.some((l) => /getStep failed: .*disk on fire/s.test(l)), 'internal errors are logged');
});

test('binary terminal frames: [kind][u32 channel][payload], both ways', () => {
  const data = new Uint8Array([0x1b, 0x5b, 0xe2, 0x82]);
  assert.deepEqual(decodeTerminalOut(encodeTerminalOut(7, { type: 'data', data })), { channel: 7, frame: { type: 'data', data } });
  assert.deepEqual(decodeTerminalOut(encodeTerminalOut(1, { type: 'exit', code: 130, reason: 'killed' })), { channel: 1, frame: { type: 'exit', code: 130, reason: 'killed' } });
  assert.deepEqual(decodeTerminalIn(encodeTerminalIn(0xffffffff, { type: 'input', data: 'ls ✓\r' })), { channel: 0xffffffff, frame: { type: 'input', data: 'ls ✓\r' } });
  assert.deepEqual(decodeTerminalIn(encodeTerminalIn(2, { type: 'resize', cols: 120, rows: 40 })), { channel: 2, frame: { type: 'resize', cols: 120, rows: 40 } });
  assert.deepEqual(decodeTerminalIn(encodeTerminalIn(2, { type: 'ack', bytes: 65536 })), { channel: 2, frame: { type: 'ack', bytes: 65536 } });
  assert.throws(() => decodeTerminalIn(new Uint8Array([2, 0, 0])), TerminalFrameError);
  assert.throws(() => decodeTerminalIn(encodeTerminalOut(1, { type: 'data', data })), /kind 0/);
  assert.throws(() => decodeTerminalIn(new Uint8Array([3, 0, 0, 0, 1, 0])), /kind 3 with 1 payload bytes/);
  assert.throws(() => encodeTerminalIn(-1, { type: 'ack', bytes: 1 }), RangeError);
});
