// What the lab-check tests share: a started session of a bundled lab, a learner's command that
// must succeed, a step's check that refuses the anti-pattern (with its FAIL line) or accepts
// another right way, and a stopped session that leaves nothing behind.
import { after, before } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { join } from 'node:path';
import type { CheckResult } from '../../electron/engine/checks/check-result.js';
import { loadLab } from '../../electron/engine/labs/load.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { LabSession } from '../../electron/engine/sessions/lab-session.js';
import { labelled, nothing, root } from './support.js';

/**
 * The lab in `dir`, started (trusted) before the tests of the enclosing describe block, every
 * machine available, and stopped after them with nothing left.
 */
export function startedLabSession(engine: { docker?: Docker; info?: EngineInfo }, dir: string): () => LabSession {
  let session: LabSession | undefined;
  before(async () => {
    session = new LabSession(engine.docker as Docker, engine.info as EngineInfo, await loadLab(dir));
    await session.start({ trust: true });
    for (const m of session.machines) assert.equal(m.unavailable, undefined, `${dir}: machine ${m.name} is unavailable`);
  });
  after(async () => {
    if (session) await stopLeavesNothing(engine.docker as Docker, session);
  });
  return () => session!;
}

/** The bundled lab `id` as startedLabSession gives it. */
export function bundledLabSession(engine: { docker?: Docker; info?: EngineInfo }, id: string): () => LabSession {
  return startedLabSession(engine, join(root, 'labs', id));
}

/** Runs a learner's script that must succeed; returns its output. */
export async function mustRun(session: LabSession, machine: string, script: string, timeoutMs = 60_000): Promise<string> {
  const r = await session.runScript(machine, script, timeoutMs);
  assert.equal(r.exitCode, 0, `in ${machine}: ${script}\n${r.output}`);
  return r.output;
}

/** The step's check refuses what was done, its messages (together) matching `why`. */
export async function checkRefuses(session: LabSession, step: string, why: RegExp): Promise<void> {
  const r = await session.check(step);
  assert.equal(r.ok, false, `the check of ${step} passed`);
  assert.match(r.messages.join('\n'), why);
}

export async function checkPasses(session: LabSession, step: string): Promise<void> {
  assert.deepEqual(await session.check(step), { ok: true, messages: [] });
}

/** A check's result refuses, one of its FAIL lines matching `why`. */
export function refusedWith(r: CheckResult, why: RegExp): void {
  assert.equal(r.ok, false, 'the check refused it');
  assert.ok(r.messages.some((m) => why.test(m)), `a FAIL line matching ${why}; got: ${r.messages.join(' | ')}`);
}

export function accepted(r: CheckResult): void {
  assert.deepEqual(r, { ok: true, messages: [] });
}

/** Stops the session: nothing labelled is left, nor a container or image tag the learner made by hand under its prefix. */
export async function stopLeavesNothing(docker: Docker, session: LabSession): Promise<void> {
  await session.stop();
  assert.deepEqual(await labelled(docker, session.id), nothing);
  const named = await docker.listContainers({ all: true, filters: { name: [`lv-${session.id}-`] } });
  assert.deepEqual(named.map((c) => c.Names[0]), [], 'no container the learner made by hand is left');
  const tags = (await docker.listImages()).flatMap((i) => i.RepoTags ?? []).filter((t) => t.startsWith(`lv-${session.id}`));
  assert.deepEqual(tags, [], 'no image tag the learner made by hand is left');
}
