// Assertions the lab-check tests share: a learner's command that must succeed, and a step's check
// that refuses the anti-pattern (with its FAIL line) or accepts another right way, and a stopped
// session that leaves nothing behind.
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import type { CheckResult } from '../../electron/engine/checks/check-result.js';
import type { LabSession } from '../../electron/engine/sessions/lab-session.js';
import { labelled, nothing } from './support.js';

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

/** Stops the session: nothing labelled is left, nor a container the learner made by hand under its prefix. */
export async function stopLeavesNothing(docker: Docker, session: LabSession): Promise<void> {
  await session.stop();
  assert.deepEqual(await labelled(docker, session.id), nothing);
  const named = await docker.listContainers({ all: true, filters: { name: [`lv-${session.id}-`] } });
  assert.deepEqual(named.map((c) => c.Names[0]), [], 'no container the learner made by hand is left');
}
