// The guards of `labvisor serve` (Host, Origin, the token as a WebSocket subprotocol, one-time
// codes), attacked on a server started in this process; the page's side of the token; and the
// static file containment.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import {
  checkRequest, checkUpgrade, CODE_TTL_MS, hostAllowed, newToken, OneTimeCodes, originAllowed, protocolToken, tokensEqual,
  TOKEN_PROTOCOL_PREFIX, WS_PROTOCOL,
} from '../../electron/server/auth.js';
import { contentType, resolveStatic } from '../../electron/host-common/static-files.js';
import { securityHeaders, SESSION_PATH, startServer, type RunningServer } from '../../electron/server/http-server.js';
import type { HostApi } from '../../electron/host-common/lab-host.js';
import { closeReason } from '../../electron/server/ws-connection.js';
import * as page from '../../renderer/src/api/serve-token.js';

const PORT = 41234;
const TOKEN = 'x'.repeat(43);
const req = (headers: Record<string, string>, method = 'GET', url = '/') => ({ headers, method, url }) as unknown as IncomingMessage;

test('Host must be a loopback name with our port (DNS rebinding)', () => {
  for (const h of [`127.0.0.1:${PORT}`, `localhost:${PORT}`, `LOCALHOST:${PORT}`, `[::1]:${PORT}`]) assert.ok(hostAllowed(h, PORT), h);
  for (const h of [undefined, '', 'evil.example', `evil.example:${PORT}`, '127.0.0.1', `127.0.0.1:${PORT + 1}`,
    `localhost.evil.example:${PORT}`, `127.0.0.1.nip.io:${PORT}`, `0.0.0.0:${PORT}`, `[::1]:${PORT}x`, `user@127.0.0.1:${PORT}`]) {
    assert.equal(hostAllowed(h, PORT), false, String(h));
  }
  assert.ok(hostAllowed('localhost', 80), 'the port may be left out only when it is 80');
});

test('Origin: absent or ours passes; anything else is foreign', () => {
  assert.ok(originAllowed(undefined, PORT));
  for (const o of [`http://127.0.0.1:${PORT}`, `http://localhost:${PORT}`, `http://[::1]:${PORT}`]) assert.ok(originAllowed(o, PORT), o);
  for (const o of ['null', 'http://evil.example', `https://127.0.0.1:${PORT}`, `http://127.0.0.1:${PORT + 1}`, `http://127.0.0.1:${PORT}.evil.example`, 'file://']) {
    assert.equal(originAllowed(o, PORT), false, o);
  }
});

test('the token: random, compared in constant time, found among the offered subprotocols', () => {
  assert.match(newToken(), /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(newToken(), newToken());
  assert.ok(tokensEqual(TOKEN, TOKEN));
  assert.equal(tokensEqual(TOKEN.slice(1), TOKEN), false);
  assert.equal(tokensEqual('', TOKEN), false);
  assert.equal(tokensEqual(undefined, TOKEN), false);
  assert.equal(protocolToken(`labvisor, labvisor.token.${TOKEN}`), TOKEN);
  assert.equal(protocolToken([`labvisor.token.${TOKEN}`, 'labvisor']), TOKEN);
  assert.equal(protocolToken('labvisor'), undefined);
  assert.equal(protocolToken(undefined), undefined);
});

test('the page and the server agree on the subprotocols and the session path', () => {
  assert.equal(page.WS_PROTOCOL, WS_PROTOCOL);
  assert.equal(page.TOKEN_PROTOCOL_PREFIX, TOKEN_PROTOCOL_PREFIX);
  assert.equal(page.SESSION_PATH, SESSION_PATH);
  assert.deepEqual(page.wsProtocols(TOKEN), ['labvisor', `labvisor.token.${TOKEN}`]);
  assert.equal(protocolToken(page.wsProtocols(TOKEN).join(', ')), TOKEN);
});

test('checkRequest: Host (403), and a state-changing request needs our Origin, present (403); no token for files', () => {
  const host = { host: `127.0.0.1:${PORT}` };
  const status = (v: ReturnType<typeof checkRequest>) => (v.ok ? 200 : v.status);
  assert.equal(status(checkRequest(req({ host: 'evil.example' }), PORT)), 403);
  assert.equal(status(checkRequest(req({ ...host }), PORT)), 200, 'the page holds no secret');
  // A foreign page may GET a file (it cannot read the answer), but not change state.
  assert.equal(status(checkRequest(req({ ...host, origin: 'http://evil.example' }), PORT)), 200);
  assert.equal(status(checkRequest(req({ ...host, origin: 'http://evil.example' }, 'POST'), PORT)), 403);
  assert.equal(status(checkRequest(req({ ...host }, 'POST'), PORT)), 403, 'a POST without Origin did not come from our page');
  assert.equal(status(checkRequest(req({ ...host, origin: `http://localhost:${PORT}` }, 'POST'), PORT)), 200);
});

test('checkUpgrade: Host (403), then Origin (403), then the token subprotocol (401)', () => {
  const ok = { host: `127.0.0.1:${PORT}`, origin: `http://127.0.0.1:${PORT}`, 'sec-websocket-protocol': `labvisor, labvisor.token.${TOKEN}` };
  const status = (headers: Record<string, string>, url = '/ws') => { const v = checkUpgrade(req(headers, 'GET', url), PORT, TOKEN); return v.ok ? 101 : v.status; };
  assert.equal(status(ok), 101);
  assert.equal(status({ ...ok, host: 'evil.example' }), 403);
  assert.equal(status({ ...ok, origin: 'http://evil.example' }), 403);
  assert.equal(status({ ...ok, 'sec-websocket-protocol': 'labvisor' }), 401);
  assert.equal(status({ ...ok, 'sec-websocket-protocol': 'labvisor, labvisor.token.wrong' }), 401);
  const { 'sec-websocket-protocol': _, ...noProtocol } = ok;
  assert.equal(status({ ...noProtocol, cookie: `labvisor-${PORT}=${TOKEN}` }), 401, 'a cookie is no credential');
  assert.equal(status(noProtocol, `/ws?token=${TOKEN}`), 401, 'nor is the query string');
});

test('one-time codes: each opens once, none after two minutes, a wrong one never', () => {
  let now = 1_000_000;
  const codes = new OneTimeCodes(CODE_TTL_MS, () => now);
  const a = codes.issue();
  const b = codes.issue();
  assert.match(a, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(codes.redeem('wrong'), false);
  assert.equal(codes.redeem(undefined), false);
  assert.equal(codes.redeem(a), true);
  assert.equal(codes.redeem(a), false, 'spent');
  now += CODE_TTL_MS;
  assert.equal(codes.redeem(b), false, 'expired');
  const c = codes.issue();
  now += CODE_TTL_MS - 1;
  assert.equal(codes.redeem(c), true, 'still within its two minutes');
});

/** The page's side: an address bar, sessionStorage, and a server that redeems `good` once. */
function fakePage(hash: string, good?: string) {
  const stored = new Map<string, string>();
  const redeemed: string[] = [];
  const fake = {
    hash,
    clearFragment: () => { fake.hash = ''; },
    storage: { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => { stored.set(k, v); } },
    redeem: async (code: string) => { redeemed.push(code); return code === good && redeemed.length === 1 ? TOKEN : undefined; },
  };
  return { fake, stored, redeemed };
}

test('the page moves the token from the fragment to sessionStorage and off the address bar', async () => {
  const withToken = fakePage(`#token=${TOKEN}`);
  assert.equal(await page.takeToken(withToken.fake), TOKEN);
  assert.equal(withToken.fake.hash, '');
  assert.equal(withToken.stored.get(page.TOKEN_KEY), TOKEN);
  // A reload: no fragment any more, the tab's storage has it.
  withToken.fake.hash = '';
  assert.equal(await page.takeToken(withToken.fake), TOKEN);

  const code = 'c'.repeat(43);
  const withCode = fakePage(`#code=${code}`, code);
  assert.equal(await page.takeToken(withCode.fake), TOKEN);
  assert.deepEqual(withCode.redeemed, [code]);
  assert.equal(withCode.fake.hash, '');

  const spent = fakePage(`#code=${code}`);
  assert.equal(await page.takeToken(spent.fake), undefined, 'a refused code gives no token');
  assert.equal(spent.fake.hash, '', 'and leaves the address bar all the same');

  const bad = fakePage('#token=<script>');
  assert.equal(await page.takeToken(bad.fake), undefined);
  assert.equal(bad.fake.hash, '');

  const route = fakePage('#/lab/volume-backup');
  assert.equal(await page.takeToken(route.fake), undefined, 'no token: the page says to open the printed URL');
  assert.equal(route.fake.hash, '#/lab/volume-backup', 'a route is not a secret');
  assert.equal(page.parseFragment('#/'), undefined);
});

describe('a server in this process, attacked', () => {
  let server: RunningServer;
  const answers: IncomingHttpHeaders[] = [];
  const logged: string[] = [];
  const origin = () => `http://127.0.0.1:${server.port}`;
  const hostHeader = () => `127.0.0.1:${server.port}`;

  /** One HTTP request with headers that are all ours to set (fetch will not let us set Host). */
  const http = (path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) =>
    new Promise<{ status: number; headers: IncomingHttpHeaders; body: string }>((resolve, reject) => {
      const r = request({ host: '127.0.0.1', port: server.port, path, method, headers: { Host: hostHeader(), ...headers } }, (res) => {
        answers.push(res.headers);
        let text = '';
        res.on('data', (c: Buffer) => { text += c.toString(); });
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: text }));
      });
      r.on('error', reject);
      r.end(body);
    });

  /** A WebSocket handshake by hand: 101 and the selected subprotocol, or the refusal's status. */
  const upgrade = (headers: Record<string, string>, path = '/ws') =>
    new Promise<{ status: number; protocol: string | undefined }>((resolve, reject) => {
      const r = request({
        host: '127.0.0.1', port: server.port, path,
        headers: { Host: hostHeader(), Origin: origin(), Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
      });
      r.on('upgrade', (res, socket) => {
        answers.push(res.headers);
        socket.destroy();
        resolve({ status: res.statusCode!, protocol: res.headers['sec-websocket-protocol'] as string | undefined });
      });
      r.on('response', (res) => { answers.push(res.headers); res.resume(); resolve({ status: res.statusCode!, protocol: undefined }); });
      r.on('error', reject);
      r.end();
    });

  const session = (code: unknown, headers: Record<string, string> = {}) =>
    http(SESSION_PATH, { Origin: origin(), 'Content-Type': 'application/json', ...headers }, 'POST', JSON.stringify({ code }));

  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labvisor-serve-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>Labvisor</title>');
    // The upgrade only needs the host's events; no request is sent on the sockets here.
    const host = { onEvent: () => () => {} } as unknown as HostApi;
    server = await startServer({ host, port: 0, rendererDir: dir, log: (line) => logged.push(line) });
  });
  after(async () => {
    await server.close();
    for (const h of answers) assert.equal(h['set-cookie'], undefined, 'no answer ever sets a cookie');
    assert.ok(answers.length > 20, `${answers.length} answers checked`);
    assert.ok(!logged.join('\n').includes(server.token), 'the log never shows the token');
  });

  test('the URLs carry their secret in the fragment only', () => {
    assert.equal(server.url, `http://127.0.0.1:${server.port}/#token=${server.token}`);
    assert.match(server.codeUrl(), new RegExp(`^http://127\\.0\\.0\\.1:${server.port}/#code=[A-Za-z0-9_-]{43}$`));
  });

  test('the page is served without a token, with the security headers; a foreign Host gets 403', async () => {
    const r = await http('/');
    assert.equal(r.status, 200);
    assert.match(r.body, /Labvisor/);
    for (const [name, value] of Object.entries(securityHeaders(server.port))) assert.equal(r.headers[name.toLowerCase()], value, name);
    assert.equal((await http('/', { Host: 'evil.example' })).status, 403);
    assert.equal((await http('/', { Host: `evil.example:${server.port}` })).status, 403);
    assert.equal((await http('/', { Host: `localhost:${server.port}` })).status, 200);
  });

  test('no redirect, anywhere: /.//evil.com/ and friends never answer with a Location', async () => {
    for (const path of ['/.//evil.com/', `/.//evil.com/?token=${server.token}`, '//evil.com/', '/%2F%2Fevil.com/', '/\\evil.com/', `/?token=${server.token}`, '/ws/..//evil.com']) {
      const r = await http(path);
      assert.equal(r.headers.location, undefined, `${path} answered ${r.status} with Location ${r.headers.location}`);
      assert.ok(r.status < 300 || r.status >= 400, `${path}: ${r.status}`);
    }
  });

  test('the WebSocket: refused without the token, with a wrong one, a foreign Origin or a foreign Host', async () => {
    const withToken = { 'Sec-WebSocket-Protocol': `labvisor, labvisor.token.${server.token}` };
    assert.deepEqual(await upgrade({}), { status: 401, protocol: undefined });
    assert.deepEqual(await upgrade({ 'Sec-WebSocket-Protocol': 'labvisor' }), { status: 401, protocol: undefined });
    assert.deepEqual(await upgrade({ 'Sec-WebSocket-Protocol': `labvisor, labvisor.token.${newToken()}` }), { status: 401, protocol: undefined });
    assert.deepEqual(await upgrade({ Cookie: `labvisor-${server.port}=${server.token}` }), { status: 401, protocol: undefined });
    assert.deepEqual(await upgrade({}, `/ws?token=${server.token}`), { status: 401, protocol: undefined });
    assert.deepEqual(await upgrade({ ...withToken, Origin: 'http://evil.example' }), { status: 403, protocol: undefined });
    assert.deepEqual(await upgrade({ ...withToken, Origin: 'null' }), { status: 403, protocol: undefined });
    assert.deepEqual(await upgrade({ ...withToken, Origin: `http://127.0.0.1:${server.port + 1}` }), { status: 403, protocol: undefined });
    assert.deepEqual(await upgrade({ ...withToken, Host: 'evil.example' }), { status: 403, protocol: undefined });
    assert.deepEqual(await upgrade({ ...withToken, Host: `attacker.example:${server.port}` }), { status: 403, protocol: undefined });
    // Ours: accepted, and the server selects `labvisor`, never echoing the token.
    assert.deepEqual(await upgrade(withToken), { status: 101, protocol: 'labvisor' });
  });

  test('POST /session: a code opens once, with our Origin and Host; never cached', async () => {
    const code = new URL(server.codeUrl()).hash.slice('#code='.length);
    assert.equal((await session(code, { Origin: 'http://evil.example' })).status, 403);
    assert.equal((await session(code, { Origin: '' })).status, 403);
    assert.equal((await session(code, { Host: 'evil.example' })).status, 403);
    assert.equal((await session(code, { 'Content-Type': 'text/plain' })).status, 415);
    assert.equal((await http(SESSION_PATH)).status, 405);
    const wrong = await session('x'.repeat(43));
    assert.equal(wrong.status, 401);
    assert.doesNotMatch(wrong.body, new RegExp(server.token));
    assert.equal((await session(undefined)).status, 401);

    // The refusals above spent nothing: the code still opens, once.
    const first = await session(code);
    assert.equal(first.status, 200);
    assert.deepEqual(JSON.parse(first.body), { token: server.token });
    assert.equal(first.headers['cache-control'], 'no-store');
    assert.match(String(first.headers['content-type']), /^application\/json/);
    const again = await session(code);
    assert.equal(again.status, 401);
    assert.equal(again.headers['cache-control'], 'no-store');
    assert.doesNotMatch(again.body, new RegExp(server.token));
  });
});

test('the CSP allows only this server: no inline script, WebSocket to our port', () => {
  const csp = securityHeaders(PORT)['Content-Security-Policy']!;
  assert.match(csp, /default-src 'self'/);
  assert.match(csp, new RegExp(`connect-src 'self' ws://127\\.0\\.0\\.1:${PORT}`));
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
});

test('static files stay inside the renderer folder', async () => {
  const base = mkdtempSync(join(tmpdir(), 'labvisor-static-'));
  const root = join(base, 'dist');
  mkdirSync(join(root, 'assets'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<!doctype html>');
  writeFileSync(join(root, 'assets', 'app.js'), '');
  writeFileSync(join(base, 'secret.txt'), 'secret');
  symlinkSync(join(base, 'secret.txt'), join(root, 'leak.txt'));
  assert.equal(await resolveStatic(root, '/'), join(root, 'index.html'));
  assert.equal(await resolveStatic(root, '/assets/app.js'), join(root, 'assets', 'app.js'));
  assert.equal(await resolveStatic(root, '/labs/volume-backup'), join(root, 'index.html'), 'a client-side route gets the app');
  assert.equal(await resolveStatic(root, '/missing.js'), undefined);
  for (const bad of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%2e%2e%5csecret.txt', '/a%00b', '/%E0%A4%A']) {
    await assert.rejects(resolveStatic(root, bad), RangeError, bad);
  }
  await assert.rejects(resolveStatic(root, '/leak.txt'), /symlink/);
  assert.equal(contentType('a.js'), 'text/javascript; charset=utf-8');
  assert.equal(contentType('a.HTML'), 'text/html; charset=utf-8');
  assert.equal(contentType('a.unknown'), 'application/octet-stream');
});

test('close reasons fit the 123-byte limit of a close frame', () => {
  assert.equal(closeReason('short\nreason'), 'short reason');
  const long = closeReason('é'.repeat(200));
  assert.ok(Buffer.byteLength(long) <= 123, `${Buffer.byteLength(long)} bytes`);
});
