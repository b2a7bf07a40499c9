// The engine watch against a fake engine (the real restart is test/integration/reliability-engine-restart.test.ts):
// it notices a stop by the event stream's end or by a failed ping, retries with backoff, says
// "up" once, and stops watching when no session is left.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { EngineWatch } from '../../electron/host-common/engine-watch.js';

class FakeEngine {
  up = true;
  pings = 0;
  stream?: PassThrough;
  hang = false;
  ping = async () => {
    this.pings++;
    if (this.hang) return new Promise(() => {});
    if (!this.up) throw new Error('connect ENOENT /var/run/docker.sock');
    return 'OK';
  };
  events = async () => {
    if (!this.up) throw new Error('connect ENOENT');
    this.stream = new PassThrough();
    return this.stream;
  };
  stop() {
    this.up = false;
    this.stream?.end();
  }
}

const until = async (what: string, ok: () => boolean, ms = 3000) => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
};

describe('EngineWatch', () => {
  test('the event stream ending is noticed before the next ping is due; then backoff until up, said once each', async () => {
    const engine = new FakeEngine();
    const said: string[] = [];
    const watch = new EngineWatch(engine, {
      intervalMs: 60_000, retryMs: [10, 40], active: () => true,
      onDown: (why) => said.push(`down: ${why}`), onUp: (ms) => { said.push(`up after ${ms >= 0 ? 'some' : 'negative'} ms`); },
    });
    watch.watch();
    await until('the subscription', () => engine.stream !== undefined);
    const stoppedAt = Date.now();
    engine.stop();
    await until('down', () => watch.state === 'down');
    assert.ok(Date.now() - stoppedAt < 1000, 'noticed by the stream, not the 60 s ping');
    assert.deepEqual(said, ['down: connect ENOENT /var/run/docker.sock']);
    await until('a few retries', () => engine.pings >= 4);
    engine.up = true;
    await until('up', () => watch.state === 'up');
    assert.deepEqual(said, ['down: connect ENOENT /var/run/docker.sock', 'up after some ms']);
    watch.close();
  });

  test('without an event stream, a ping that hangs counts as down', async () => {
    const engine = new FakeEngine();
    const downs: string[] = [];
    const watch = new EngineWatch({ ping: engine.ping }, { intervalMs: 10, pingTimeoutMs: 30, retryMs: [10, 10], active: () => true, onDown: (w) => downs.push(w), onUp: () => {} });
    watch.watch();
    engine.hang = true;
    await until('down', () => watch.state === 'down');
    assert.deepEqual(downs, ['no answer to a ping in 30 ms']);
    engine.hang = false;
    await until('up', () => watch.state === 'up');
    watch.close();
  });

  test('stops watching when no session is left, but not while the engine is down; watch() again restarts it', async () => {
    const engine = new FakeEngine();
    let sessions = 1;
    const watch = new EngineWatch({ ping: engine.ping }, { intervalMs: 10, retryMs: [10, 10], active: () => sessions > 0, onDown: () => {}, onUp: () => {} });
    watch.watch();
    engine.up = false;
    await until('down', () => watch.state === 'down');
    sessions = 0;
    const before = engine.pings;
    await until('more pings while down', () => engine.pings > before + 2);
    engine.up = true;
    await until('up', () => watch.state === 'up');
    await new Promise((r) => setTimeout(r, 50));
    const idle = engine.pings;
    await new Promise((r) => setTimeout(r, 80));
    assert.equal(engine.pings, idle, 'no pings once up with no session');
    sessions = 1;
    watch.watch();
    await until('pings again', () => engine.pings > idle);
    watch.close();
  });
});
