import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectEngine } from '../../electron/engine/machines/docker-engine.js';
import { EngineUnreachableError } from '../../electron/engine/errors.js';

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
