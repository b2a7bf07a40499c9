// One learner's pass through a lab over the API, as the player drives it: start, then every step
// solved (its solution, then its check must pass, as `labvisor test` proves a lab), then stop.
import type { CheckResult, LabSummary, SessionInfo } from '../../electron/shared/api.js';
import type { Client } from '../integration/ws-client.js';

export interface Walk { session: string; ms: number }

/** The lab's steps as the catalog lists them. */
export async function labSteps(client: Client, lab: string): Promise<LabSummary['steps']> {
  const { labs } = await client.ok<{ labs: LabSummary[] }>('listLabs');
  const found = labs.find((l) => l.id === lab);
  if (!found) throw new Error(`no bundled lab "${lab}"; the catalog has: ${labs.map((l) => l.id).join(', ')}`);
  return found.steps;
}

/** Starts a lab and checks the session runs; the caller stops it. */
export async function startRunning(client: Client, lab: string): Promise<SessionInfo> {
  const started = await client.ok<SessionInfo>('startLab', { lab });
  if (started.state !== 'running') throw new Error(`${lab}: session ${started.id} is ${started.state}, not running: ${started.error ?? ''}`);
  return started;
}

/** Solves every step of a running session in order; the first that does not pass throws, naming it. */
export async function solveEvery(client: Client, session: SessionInfo, steps: LabSummary['steps']): Promise<void> {
  for (const step of steps) {
    const solved = await client.ok<CheckResult>('solveStep', { session: session.id, step: step.id });
    if (!solved.ok) throw new Error(`${session.lab} (${session.id}): the solution of "${step.id}" failed: ${solved.messages.join('; ')}`);
    if (!step.hasCheck) continue;
    const checked = await client.ok<CheckResult>('checkStep', { session: session.id, step: step.id });
    if (!checked.ok) throw new Error(`${session.lab} (${session.id}): the check of "${step.id}" failed after its solution: ${checked.messages.join('; ')}`);
  }
}

export async function stopSession(client: Client, session: string): Promise<void> {
  const stopped = await client.ok<SessionInfo>('stopLab', { session });
  if (stopped.state !== 'stopped') throw new Error(`session ${session} is ${stopped.state} after stopLab`);
}

/** start → solve every step → stop; `whileRunning` looks at the session before it is stopped. */
export async function walkLab(client: Client, lab: string, steps: LabSummary['steps'], whileRunning: (s: SessionInfo) => Promise<void> = async () => {}): Promise<Walk> {
  const began = Date.now();
  const session = await startRunning(client, lab);
  try {
    await whileRunning(session);
    await solveEvery(client, session, steps);
  } finally {
    await stopSession(client, session.id);
  }
  return { session: session.id, ms: Date.now() - began };
}
