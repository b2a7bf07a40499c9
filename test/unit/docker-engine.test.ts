import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectEngine } from '../../electron/engine/machines/docker-engine.js';
import { contextDigest } from '../../electron/engine/machines/engine-discovery.js';
import { EngineSettingsError, EngineUnreachableError } from '../../electron/engine/errors.js';

async function withDockerHost<T>(value: string, fn: () => Promise<T>): Promise<T> {
  const saved = process.env.DOCKER_HOST;
  process.env.DOCKER_HOST = value;
  try {
    return await fn();
  } finally {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  }
}

test('an unreachable engine gives one message naming the socket and the fix', async () => {
  const err = await withDockerHost('unix:///tmp/labvisor-no-such.sock', () => connectEngine(2000).then(() => undefined, (e: unknown) => e));
  assert.ok(err instanceof EngineUnreachableError);
  assert.match(err.message, /unix:\/\/\/tmp\/labvisor-no-such\.sock/);
  assert.match(err.message, /ENOENT/);
  assert.match(err.message, /Fix: .*DOCKER_HOST/);
});

test('a TCP engine that does not answer is named too', async () => {
  const err = await withDockerHost('tcp://127.0.0.1:1', () => connectEngine(2000).then(() => undefined, (e: unknown) => e));
  assert.ok(err instanceof EngineUnreachableError);
  assert.match(err.message, /tcp:\/\/127\.0\.0\.1:1: .*ECONNREFUSED/);
});

async function withEnv<T>(values: Record<string, string | undefined>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(values).map((k) => [k, process.env[k]]));
  const set = (v: Record<string, string | undefined>) => {
    for (const [k, x] of Object.entries(v)) {
      if (x === undefined) delete process.env[k]; else process.env[k] = x;
    }
  };
  set(values);
  try {
    return await fn();
  } finally {
    set(saved);
  }
}

const failure = (values: Record<string, string | undefined>) =>
  withEnv(values, () => connectEngine(2000).then(() => assert.fail('connected'), (e: unknown) => e as Error));

test('an engine found by a context that does not answer names the context in the message and the fix', async () => {
  const config = mkdtempSync(join(tmpdir(), 'labvisor-ctx-'));
  const meta = join(config, 'contexts', 'meta', contextDigest('dead'));
  mkdirSync(meta, { recursive: true });
  writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: 'dead', Endpoints: { docker: { Host: 'tcp://127.0.0.1:1' } } }));
  try {
    const err = await failure({ DOCKER_HOST: undefined, DOCKER_CONFIG: config, DOCKER_CONTEXT: 'dead' });
    assert.ok(err instanceof EngineUnreachableError);
    assert.equal(err.message, 'Cannot reach the Docker engine at tcp://127.0.0.1:1, found by DOCKER_CONTEXT=dead: ECONNREFUSED.\n' +
      'Fix: start the engine of DOCKER_CONTEXT=dead, or unset DOCKER_CONTEXT.');
  } finally {
    rmSync(config, { recursive: true, force: true });
  }
});

test('docker-modem\'s own reading of the environment cannot throw past us (certificates it would read, an address it cannot parse)', async () => {
  // docker-modem would read ca.pem there (and throw ENOENT); the docker CLI, without DOCKER_TLS_VERIFY, does not use TLS at all.
  const err = await failure({ DOCKER_HOST: 'tcp://127.0.0.1:1', DOCKER_CERT_PATH: '/nonexistent/labvisor-certs', DOCKER_TLS_VERIFY: undefined });
  assert.ok(err instanceof EngineUnreachableError);
  assert.match(err.message, /^Cannot reach the Docker engine at tcp:\/\/127\.0\.0\.1:1: ECONNREFUSED\./);
  const bad = await failure({ DOCKER_HOST: 'http://[oops' });
  assert.ok(bad instanceof EngineSettingsError);
  assert.equal(bad.message, 'DOCKER_HOST=http://[oops: unsupported scheme "http://"; use unix://, npipe://, tcp:// or ssh://');
});

test('ssh:// with an ssh command that is not there: one message saying to install a client', async () => {
  const err = await failure({ DOCKER_HOST: 'ssh://nobody@127.0.0.1:1', LABVISOR_SSH_COMMAND: '/nonexistent/labvisor-ssh -v' });
  assert.ok(err instanceof EngineUnreachableError);
  assert.match(err.message, /^Cannot reach the Docker engine at ssh:\/\/nobody@127\.0\.0\.1:1: ssh: .*not found\.\nFix: install an OpenSSH client/);
});
