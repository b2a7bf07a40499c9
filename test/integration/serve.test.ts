// `labvisor serve` as a person starts it, against the real engine: its guards (token, cookie,
// Host, Origin), the LabApi over the WebSocket driving a real lab, bad frames, and Ctrl-C.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { request } from 'node:http';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import type { SessionInfo } from '../../electron/shared/api.js';
import { engineOrSkip, labelled, nothing, waitForStderr } from './support.js';
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
  let cookie: string;
  before(async () => { s = await serve(); });
  after(async () => {
    if (s.child.exitCode === null) s.child.kill('SIGINT');
    await s.child.result;
  });

  test('no token: 401; the token is exchanged for an HttpOnly cookie, then / answers 200 with a strict CSP', async () => {
    const none = await get(s.port, '/', { Host: `127.0.0.1:${s.port}` });
    assert.equal(none.status, 401);
    assert.equal((await get(s.port, '/?token=wrong', { Host: `127.0.0.1:${s.port}` })).status, 401);

    const exchange = await fetch(s.url, { redirect: 'manual' });
    assert.equal(exchange.status, 302);
    assert.equal(exchange.headers.get('location'), '/', 'the token leaves the address bar');
    const setCookie = exchange.headers.get('set-cookie') ?? '';
    assert.match(setCookie, new RegExp(`^labvisor-${s.port}=${s.token}; `));
    assert.match(setCookie, /HttpOnly/);
    assert.match(setCookie, /SameSite=Strict/);
    cookie = setCookie.split(';')[0]!;

    const page = await fetch(`${s.origin}/`, { headers: { Cookie: cookie } });
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${s.port}`));
    assert.match(await page.text(), /Labvisor/);
  });

  test('a foreign Host is refused (403), even with the cookie: DNS rebinding', async () => {
    const r = await get(s.port, '/', { Host: 'evil.example', Cookie: `labvisor-${s.port}=${s.token}` });
    assert.equal(r.status, 403);
    assert.equal((await get(s.port, '/', { Host: `evil.example:${s.port}`, Cookie: `labvisor-${s.port}=${s.token}` })).status, 403);
    // localhost is fine.
    assert.equal((await get(s.port, '/', { Host: `localhost:${s.port}`, Cookie: `labvisor-${s.port}=${s.token}` })).status, 200);
  });

  test('a state-changing request from a foreign Origin is refused (403)', async () => {
    const r = await get(s.port, '/', { Host: `127.0.0.1:${s.port}`, Origin: 'http://evil.example', Cookie: `labvisor-${s.port}=${s.token}` }, 'POST');
    assert.equal(r.status, 403);
  });

  test('WebSocket: a foreign Origin is refused (403); no cookie is refused (401)', async () => {
    const foreign = new WebSocket(`ws://127.0.0.1:${s.port}/ws`, { origin: 'http://evil.example', headers: { Cookie: `labvisor-${s.port}=${s.token}` } });
    assert.match(await refusedUpgrade(foreign), /403/);
    const anonymous = new WebSocket(`ws://127.0.0.1:${s.port}/ws`, { origin: s.origin });
    assert.match(await refusedUpgrade(anonymous), /401/);
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
    assert.equal(await reach('127.0.0.1'), 'answered 401');
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
    assert.match(JSON.stringify(bad), /"code":"bad-request","message":"startLab: params\.lab: must be a lab format name/);
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
    const { labs } = await c.ok<{ labs: Array<{ id: string; steps: Array<{ id: string; title: string }> }> }>('listLabs');
    const ids = labs.map((l) => l.id);
    assert.ok(ids.includes('volume-backup') && ids.includes('shared-kernel'), ids.join(', '));
    const lab = labs.find((l) => l.id === 'volume-backup')!;
    const first = lab.steps[0]!;
    assert.equal(first.id, 'write-records');

    const step = await c.ok<{ markdown: string; title: string }>('getStep', { lab: 'volume-backup', step: first.id });
    assert.match(step.markdown, /^# Store some records/);
    assert.match(JSON.stringify(await c.call('getStep', { lab: 'volume-backup', step: 'nope' })), /"code":"not-found"/);
    assert.match(JSON.stringify(await c.call('startLab', { lab: 'no-such-lab' })), /"code":"not-found","message":"no bundled lab \\"no-such-lab\\"/);

    const started = await c.ok<SessionInfo>('startLab', { lab: 'volume-backup' });
    try {
      assert.equal(started.state, 'running');
      assert.deepEqual(started.machines.map((m) => [m.name, m.kind]), [['app', 'container'], ['host', 'host']]);
      const mine = c.events.filter((e) => (e.event === 'progress' ? e.session : e.session.id) === started.id);
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

      // Reset: machines and volumes made anew, so the step's check fails again.
      const reset = await c.ok<SessionInfo>('resetLab', { session: started.id });
      assert.equal(reset.state, 'running');
      assert.ok(c.events.some((e) => e.event === 'session' && e.session.id === started.id && e.session.state === 'resetting'));
      assert.equal((await c.ok<{ ok: boolean }>('checkStep', { session: started.id, step: first.id })).ok, false);
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
