// `serve --port N` keeps its token across restarts (electron/server/server-identity.ts): made
// once, 0600, the same on the next start; a file others may read, or one that holds no token, is
// replaced by a new token.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { keptToken, keptTokenFile } from '../../electron/server/server-identity.js';

test('made once with mode 0600, then the same token on the next start; per port', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'labvisor-kept-token-')), 'data');
  const first = await keptToken(41234, dir);
  assert.match(first, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(statSync(keptTokenFile(41234, dir)).mode & 0o777, 0o600);
  assert.equal(await keptToken(41234, dir), first);
  assert.notEqual(await keptToken(41235, dir), first);
});

test('a kept file others may read, or holding no token, gets a new token (0600 again)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'labvisor-kept-token-'));
  const first = await keptToken(8080, dir);
  const file = keptTokenFile(8080, dir);
  chmodSync(file, 0o644);
  const second = await keptToken(8080, dir);
  assert.notEqual(second, first);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  writeFileSync(file, 'not a token\n', { mode: 0o600 });
  const third = await keptToken(8080, dir);
  assert.match(third, /^[A-Za-z0-9_-]{43}$/);
  assert.equal(readFileSync(file, 'utf8'), `${third}\n`);
});
