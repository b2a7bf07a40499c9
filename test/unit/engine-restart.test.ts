// The host's side of an engine restart (electron/host-common/engine-restart.ts) against a fake engine:
// "down" with the message the player shows, then once the engine answers, each session live at
// the time ended with the reason, "up" naming them, and the learner's checked marks forgotten
// (their step kept). The real daemon restart: test/integration/reliability-engine-restart.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type Docker from 'dockerode';
import type { EngineStatus } from '../../electron/shared/api.js';
import type { LabSession } from '../../electron/engine/sessions/lab-session.js';

process.env.LABVISOR_DATA_DIR = mkdtempSync(join(tmpdir(), 'labvisor-engine-restart-'));
const { readProgress, writeProgress } = await import('../../electron/engine/learner-progress.js');
const { ENGINE_RESTARTED, watchEngineFor } = await import('../../electron/host-common/engine-restart.js');

const until = async (what: string, ok: () => boolean, ms = 10_000) => {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

test('down, then up: the live sessions ended with the reason, named in "up", their checked marks forgotten', async () => {
  let up = true;
  let stream: PassThrough | undefined;
  const docker = {
    ping: async () => { if (!up) throw new Error('connect ENOENT /var/run/docker.sock'); return 'OK'; },
    getEvents: async () => { stream = new PassThrough(); return stream; },
  } as unknown as Docker;
  const session = { id: 'abcd1234', lab: { id: 'two-steps', steps: [{ id: 'checked', check: [{ machine: 'box', script: 'true' }] }, { id: 'read' }] } } as unknown as LabSession;
  await writeProgress({ lab: 'two-steps', currentStep: 'read', passed: ['checked', 'read'], hintsShown: {}, solutionsShown: [] });

  const events: EngineStatus[] = [];
  const ended: Array<[string, string]> = [];
  let sessions = [session];
  const watch = watchEngineFor(docker, {
    live: () => sessions,
    has: (s) => sessions.includes(s),
    end: async (s, why) => { ended.push([s.id, why]); sessions = []; },
    emit: (e) => events.push(e),
    log: () => {},
  }, () => sessions.length > 0);
  watch.watch();
  await until('the event stream', () => stream !== undefined);
  up = false;
  stream!.end();
  await until('down', () => events.length === 1);
  assert.deepEqual(events[0], { state: 'down', message: 'The Docker engine stopped — waiting for it…' });
  assert.deepEqual(ended, [], 'nothing can be removed while the engine is down');

  up = true;
  await until('up', () => events.length === 2);
  assert.deepEqual(ended, [['abcd1234', ENGINE_RESTARTED]]);
  assert.equal(events[1]!.state, 'up');
  assert.deepEqual(events[1]!.ended, ['abcd1234']);
  const progress = await readProgress('two-steps');
  assert.equal(progress.currentStep, 'read');
  assert.deepEqual(progress.passed, ['read']);
  watch.close();
});
