// The guards of `labvisor serve` (Host, Origin, token/cookie) and its static file containment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  checkRequest, cookieName, hostAllowed, originAllowed, readCookie, sessionCookie, tokensEqual, newToken,
} from '../../electron/server/auth.js';
import { contentType, resolveStatic } from '../../electron/server/static-files.js';
import { securityHeaders } from '../../electron/server/http-server.js';
import { closeReason } from '../../electron/server/ws-connection.js';

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

test('token and cookie', () => {
  assert.match(newToken(), /^[A-Za-z0-9_-]{43}$/);
  assert.notEqual(newToken(), newToken());
  assert.ok(tokensEqual(TOKEN, TOKEN));
  assert.equal(tokensEqual(TOKEN.slice(1), TOKEN), false);
  assert.equal(tokensEqual('', TOKEN), false);
  assert.equal(tokensEqual(undefined, TOKEN), false);
  const cookie = sessionCookie(PORT, TOKEN);
  assert.match(cookie, /HttpOnly/);
  assert.match(cookie, /SameSite=Strict/);
  assert.equal(readCookie(`a=b; ${cookieName(PORT)}=${TOKEN}; c=d`, cookieName(PORT)), TOKEN);
  assert.equal(readCookie(`labvisor-1=${TOKEN}`, cookieName(PORT)), undefined, 'another server\'s cookie does not count');
});

test('checkRequest: Host first (403), then Origin for upgrades and state changes (403), then the token (401)', () => {
  const host = { host: `127.0.0.1:${PORT}` };
  const cookie = { cookie: `${cookieName(PORT)}=${TOKEN}` };
  assert.deepEqual(checkRequest(req({ host: 'evil.example', ...cookie }), PORT, TOKEN, { upgrade: false }).ok, false);
  assert.equal((checkRequest(req({ host: 'evil.example', ...cookie }), PORT, TOKEN, { upgrade: false }) as { status: number }).status, 403);
  assert.equal((checkRequest(req({ ...host }), PORT, TOKEN, { upgrade: false }) as { status: number }).status, 401);
  assert.deepEqual(checkRequest(req({ ...host, ...cookie }), PORT, TOKEN, { upgrade: false }), { ok: true, via: 'cookie' });
  assert.deepEqual(checkRequest(req({ ...host }, 'GET', `/?token=${TOKEN}`), PORT, TOKEN, { upgrade: false }), { ok: true, via: 'token' });
  assert.equal((checkRequest(req({ ...host }, 'GET', '/?token=wrong'), PORT, TOKEN, { upgrade: false }) as { status: number }).status, 401);
  // A foreign page may GET (it cannot read the answer), but not change state or open the socket.
  const foreign = { ...host, ...cookie, origin: 'http://evil.example' };
  assert.equal(checkRequest(req(foreign), PORT, TOKEN, { upgrade: false }).ok, true);
  assert.equal((checkRequest(req(foreign, 'POST'), PORT, TOKEN, { upgrade: false }) as { status: number }).status, 403);
  assert.equal((checkRequest(req(foreign), PORT, TOKEN, { upgrade: true }) as { status: number }).status, 403);
  assert.equal(checkRequest(req({ ...host, ...cookie, origin: `http://localhost:${PORT}` }), PORT, TOKEN, { upgrade: true }).ok, true);
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
