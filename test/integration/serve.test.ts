// `labvisor serve` as a person starts it, against the real engine: its guards (the token as a
// WebSocket subprotocol, no cookie, no redirect, Host, Origin), the LabApi over the WebSocket
// driving a real lab, bad frames, and Ctrl-C. (unit/serve-guards attacks them in more detail.)
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import type { SessionInfo } from '../../electron/shared/api.js';
import { engineOrSkip, fakeUrlOpener, firstStdoutLine, labelled, nothing, startCli, waitForStderr } from './support.js';
import { Client, serve, type Served } from './ws-client.js';

const engine = await engineOrSkip();

/** A plain HTTP request where every header is ours to set (fetch will not let us set Host). */
function get(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Resolves with the error of a WebSocket the server must refuse. */
async function refusedUpgrade(ws: WebSocket): Promise<string> {
  const [err] = await once(ws, 'error') as [Error];
  return err.message;
}

describe('labvisor serve', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;
  let s: Served;
  before(async () => { s = await serve(); });
  after(async () => {
    if (s.child.exitCode === null) s.child.kill('SIGINT');
    await s.child.result;
  });

  test('the page needs no token and sets no cookie; the CSP is strict; no path redirects', async () => {
    const page = await fetch(`${s.origin}/`);
    assert.equal(page.status, 200);
    assert.equal(page.headers.get('set-cookie'), null);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${s.port}`));
    assert.match(await page.text(), /Labvisor/);
    // The old start URL (token in the query) and the open redirect it had: no Location, no cookie.
    for (const path of [`/?token=${s.token}`, `/.//evil.com/?token=${s.token}`, '/.//evil.com/', '//evil.com/']) {
      const r = await get(s.port, path, { Host: `127.0.0.1:${s.port}` });
      assert.equal(r.headers.location, undefined, `${path}: ${r.status} to ${r.headers.location}`);
      assert.equal(r.headers['set-cookie'], undefined, path);
    }
  });

  test('a foreign Host is refused (403): DNS rebinding', async () => {
    assert.equal((await get(s.port, '/', { Host: 'evil.example' })).status, 403);
    assert.equal((await get(s.port, '/', { Host: `evil.example:${s.port}` })).status, 403);
    // localhost is fine.
    assert.equal((await get(s.port, '/', { Host: `localhost:${s.port}` })).status, 200);
  });

  test('a state-changing request from a foreign Origin is refused (403)', async () => {
    const r = await get(s.port, '/session', { Host: `127.0.0.1:${s.port}`, Origin: 'http://evil.example', 'Content-Type': 'application/json' }, 'POST');
    assert.equal(r.status, 403);
  });

  test('WebSocket: refused without the token (401), with a wrong one (401), from a foreign Origin (403) or Host (403)', async () => {
    const url = `ws://127.0.0.1:${s.port}/ws`;
    const ours = ['labvisor', `labvisor.token.${s.token}`];
    assert.match(await refusedUpgrade(new WebSocket(url, { origin: s.origin })), /401/);
    assert.match(await refusedUpgrade(new WebSocket(url, ['labvisor', 'labvisor.token.wrong'], { origin: s.origin })), /401/);
    assert.match(await refusedUpgrade(new WebSocket(url, { origin: s.origin, headers: { Cookie: `labvisor-${s.port}=${s.token}` } })), /401/);
    assert.match(await refusedUpgrade(new WebSocket(url, ours, { origin: 'http://evil.example' })), /403/);
    assert.match(await refusedUpgrade(new WebSocket(url, ours, { origin: s.origin, headers: { Host: 'evil.example' } })), /403/);
  });

  test('the server is reachable on 127.0.0.1 only: not on ::1, another loopback address or any interface', async () => {
    const { networkInterfaces } = await import('node:os');
    // Link-local IPv6 addresses need their interface to be dialled.
    const interfaces = Object.entries(networkInterfaces()).flatMap(([name, addrs]) => (addrs ?? [])
      .filter((a) => !a.internal).map((a) => (a.family === 'IPv6' && a.address.startsWith('fe80:') ? `${a.address}%${name}` : a.address)));
    const reach = (host: string) => new Promise<string>((resolve) => {
      const req = request({ host, port: s.port, path: '/', timeout: 3000 }, (res) => { res.resume(); resolve(`answered ${res.statusCode}`); });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
      req.end();
    });
    assert.equal(await reach('127.0.0.1'), 'answered 200');
    for (const host of ['::1', '127.0.0.2', ...interfaces]) {
      assert.match(await reach(host), /^(ECONNREFUSED|EADDRNOTAVAIL|ENETUNREACH|EHOSTUNREACH)$/, `reachable on ${host}`);
    }
  });

  test('malformed frames close that socket with a code and a reason; the server keeps serving', async () => {
    const notJson = await Client.open(s);
    const closedA = notJson.closed();
    notJson.ws.send('hello {');
    const a = await closedA;
    assert.equal(a.code, 1007);
    assert.match(a.reason, /JSON/);

    const noId = await Client.open(s);
    const closedB = noId.closed();
    noId.ws.send(JSON.stringify({ method: 'listLabs' }));
    const b = await closedB;
    assert.equal(b.code, 1008);
    assert.match(b.reason, /not a request: id/);

    const huge = await Client.open(s);
    const closedC = huge.closed();
    huge.ws.send(JSON.stringify({ id: 1, method: 'listLabs', params: { pad: 'x'.repeat(1024 * 1024) } }));
    assert.equal((await closedC).code, 1009);

    const short = await Client.open(s);
    const closedD = short.closed();
    short.ws.send(Buffer.from([2, 0, 0]));
    const d = await closedD;
    assert.equal(d.code, 1008);
    assert.match(d.reason, /shorter than its 5-byte header/);

    const zeroSize = await Client.open(s);
    const closedE = zeroSize.closed();
    zeroSize.sendFrame(7, { type: 'resize', cols: 0, rows: 24 });
    const e = await closedE;
    assert.equal(e.code, 1008);
    assert.match(e.reason, /bad terminal frame on channel 7: cols/);

    const dataFromUi = await Client.open(s);
    const closedF = dataFromUi.closed();
    dataFromUi.ws.send(Buffer.from([0, 0, 0, 0, 1, 0x6c]));
    assert.match((await closedF).reason, /kind 0/);

    // A request that fits the envelope but not its method is answered, and the socket stays open.
    const c = await Client.open(s);
    const bad = await c.call('startLab', { lab: '../../etc' });
    assert.equal(bad.ok, false);
    assert.match(JSON.stringify(bad), /"code":"bad-request","message":"startLab: params\.lab: must be lowercase letters, digits and dashes, starting with a letter/);
    const unknown = await c.call('rm', {});
    assert.match(JSON.stringify(unknown), /unknown method \\"rm\\"/);
    const labs = await c.ok<{ labs: unknown[] }>('listLabs');
    assert.ok(labs.labs.length >= 2);
    const doctor = await c.ok<{ ok: boolean; checks: Array<{ id: string; status: string }> }>('doctor');
    assert.deepEqual(doctor.checks.find((x) => x.id === 'engine')?.status, 'ok');
    c.ws.close();
  });

  test('a lab over the WebSocket: list, step text, start with progress, check, solve, check, stop', async () => {
    const c = await Client.open(s);
    const { labs } = await c.ok<{ labs: Array<{ id: string; steps: Array<{ id: string; title: string; hasCheck: boolean }> }> }>('listLabs');
    const ids = labs.map((l) => l.id);
    assert.ok(ids.includes('volume-backup') && ids.includes('shared-kernel'), ids.join(', '));
    const lab = labs.find((l) => l.id === 'volume-backup')!;
    const first = lab.steps[0]!;
    assert.equal(first.id, 'write-records');
    assert.deepEqual(lab.steps.filter((x) => !x.hasCheck).map((x) => x.id), ['what-you-learned'], 'every step but the last passes by a check');

    const step = await c.ok<{ markdown: string; title: string }>('getStep', { lab: 'volume-backup', step: first.id });
    assert.match(step.markdown, /^# Store some records/);
    assert.match(JSON.stringify(await c.call('getStep', { lab: 'volume-backup', step: 'nope' })), /"code":"not-found"/);
    assert.match(JSON.stringify(await c.call('startLab', { lab: 'no-such-lab' })), /"code":"not-found","message":"no lab \\"no-such-lab\\"/);

    const started = await c.ok<SessionInfo>('startLab', { lab: 'volume-backup' });
    try {
      assert.equal(started.state, 'running');
      assert.deepEqual(started.machines.map((m) => [m.name, m.kind]), [['app', 'container'], ['host', 'docker-host']]);
      const mine = c.events.filter((e) => (e.event === 'progress' ? e.session : e.event === 'session' ? e.session.id : undefined) === started.id);
      assert.equal(mine[0]?.event, 'session', 'the session event with its id comes first');
      assert.equal(mine[0]?.event === 'session' && mine[0].session.state, 'starting');
      const progress = mine.filter((e) => e.event === 'progress');
      assert.ok(progress.some((e) => e.event === 'progress' && e.progress.task === 'machine app' && e.progress.state === 'done'), JSON.stringify(progress));
      assert.ok(mine.some((e) => e.event === 'session' && e.session.state === 'running'));

      const listed = await c.ok<{ sessions: SessionInfo[] }>('listSessions');
      assert.deepEqual(listed.sessions.map((x) => [x.id, x.state]), [[started.id, 'running']]);

      const before = await c.ok<{ ok: boolean; messages: string[] }>('checkStep', { session: started.id, step: first.id });
      assert.equal(before.ok, false);
      assert.ok(before.messages.length > 0 && before.messages.every((m) => m.length > 0), JSON.stringify(before));
      assert.match(JSON.stringify(await c.call('checkStep', { session: started.id, step: 'nope' })), /"code":"not-found"/);

      const solved = await c.ok<{ ok: boolean }>('solveStep', { session: started.id, step: first.id });
      assert.equal(solved.ok, true);
      const afterSolve = await c.ok<{ ok: boolean; messages: string[] }>('checkStep', { session: started.id, step: first.id });
      assert.deepEqual(afterSolve, { ok: true, messages: [] });

      // Reset: machines and volumes made anew, so the step's check fails again, and its saved mark goes.
      await c.ok('saveProgress', { lab: 'volume-backup', currentStep: first.id, passed: [first.id, 'what-you-learned'], hintsShown: { [first.id]: 1 }, solutionsShown: [] });
      const reset = await c.ok<SessionInfo>('resetLab', { session: started.id });
      assert.equal(reset.state, 'running');
      assert.ok(c.events.some((e) => e.event === 'session' && e.session.id === started.id && e.session.state === 'resetting'));
      assert.equal((await c.ok<{ ok: boolean }>('checkStep', { session: started.id, step: first.id })).ok, false);
      const saved = await c.ok<{ currentStep?: string; passed: string[]; hintsShown: Record<string, number> }>('getProgress', { lab: 'volume-backup' });
      assert.deepEqual([saved.currentStep, saved.passed, saved.hintsShown], [first.id, ['what-you-learned'], { [first.id]: 1 }]);
    } finally {
      const stopped = await c.ok<SessionInfo>('stopLab', { session: started.id });
      assert.equal(stopped.state, 'stopped');
    }
    assert.deepEqual(await labelled(docker, started.id), nothing);
    assert.match(JSON.stringify(await c.call('checkStep', { session: started.id, step: first.id })), /"code":"not-found"/);
    assert.ok(c.events.some((e) => e.event === 'session' && e.session.id === started.id && e.session.state === 'stopped'));
    c.ws.close();
  });

  test('SIGINT stops the server and removes a session still running', async () => {
    const c = await Client.open(s);
    const started = await c.ok<SessionInfo>('startLab', { lab: 'volume-backup' });
    assert.notDeepEqual(await labelled(docker, started.id), nothing);
    const closed = c.closed();
    s.child.kill('SIGINT');
    await waitForStderr(s.child, /SIGINT: stopping 1 lab session/);
    assert.equal((await closed).code, 1001);
    const r = await s.child.result;
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /Stopped\./);
    assert.deepEqual(await labelled(docker, started.id), nothing);
  });
});

test('serve --open gives the browser a one-time code, never the token: the code opens POST /session once', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'labvisor-open-'));
  const opener = fakeUrlOpener(dir);
  const child = startCli(['serve', '--port', '0', '--open'], opener.env);
  try {
    const printed = new URL(await firstStdoutLine(child));
    const token = printed.hash.slice('#token='.length);
    const argv = await opener.argv();
    assert.match(argv, new RegExp(`^http://127\\.0\\.0\\.1:${printed.port}/#code=[A-Za-z0-9_-]{43}$`));
    assert.ok(!argv.includes(token), 'the token is in no command line');
    const code = argv.slice(argv.indexOf('#code=') + '#code='.length);
    const redeem = () => fetch(`http://127.0.0.1:${printed.port}/session`, {
      method: 'POST', headers: { Origin: `http://127.0.0.1:${printed.port}`, 'Content-Type': 'application/json' }, body: JSON.stringify({ code }),
    });
    const first = await redeem();
    assert.equal(first.status, 200);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await first.json(), { token });
    const second = await redeem();
    assert.equal(second.status, 401, 'a code opens once');
  } finally {
    child.kill('SIGINT');
    await child.result;
    rmSync(dir, { recursive: true, force: true });
  }
});
