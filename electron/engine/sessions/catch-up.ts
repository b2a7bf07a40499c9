// Catch up ("Skip to this step", `labvisor run LAB --to STEP`): brings a running session to a
// later step by doing every earlier one, so an attendee who fell behind rejoins with machines in
// the state the step expects. Unlike `run --solve` (solve-lab.ts), nothing is proven: a step whose
// check already passes is left as the learner made it, any other gets its solution, then its check
// must pass. It stops at the first step that does not pass: the learner lands there, with its
// check's messages, because every later step builds on it.
import { readProgress, writeProgress, type LabProgress } from '../learner-progress.js';
import { progressTask, type ProgressSink } from '../progress.js';
import type { LabSession } from './lab-session.js';

/** How a step was caught up: its check passed already, its solution ran, or it has nothing to check. */
export type CatchUpHow = 'already' | 'solved' | 'question' | 'explain';

export interface CatchUpStep { id: string; ok: boolean; how: CatchUpHow; ms: number; messages: string[] }

export interface CatchUpResult {
  steps: CatchUpStep[];
  /** Where the learner lands: the step asked for, or the first that did not pass. */
  reached: string;
}

/** The steps before `target`; an unknown target is an error naming the lab's steps. */
export function stepsBefore(session: LabSession, target: string): string[] {
  const ids = session.lab.steps.map((s) => s.id);
  const at = ids.indexOf(target);
  if (at < 0) throw new Error(`lab "${session.lab.id}" has no step "${target}"; its steps are: ${ids.join(', ')}`);
  return ids.slice(0, at);
}

/** Does one step so that the next can begin. Never throws: an error is the step's failure. */
export async function catchUpStep(session: LabSession, stepId: string): Promise<CatchUpStep> {
  const began = Date.now();
  const step = session.lab.steps.find((s) => s.id === stepId)!;
  const outcome = (ok: boolean, how: CatchUpHow, messages: string[] = []): CatchUpStep => ({ id: stepId, ok, how, ms: Date.now() - began, messages });
  try {
    // A question changes nothing in the machines; its solution (if any) makes what later steps read.
    if (step.question) {
      const solved = await session.solve(stepId);
      return outcome(solved.ok, 'question', solved.messages);
    }
    if (!step.check) {
      const solved = await session.solve(stepId);
      return outcome(solved.ok, 'explain', solved.messages);
    }
    if ((await session.check(stepId)).ok) return outcome(true, 'already');
    const solved = await session.solve(stepId);
    if (!solved.ok) return outcome(false, 'solved', solved.messages);
    const after = await session.check(stepId);
    return outcome(after.ok, 'solved', after.ok ? [] : after.messages);
  } catch (err) {
    return outcome(false, step.question ? 'question' : step.check ? 'solved' : 'explain', [(err as Error).message]);
  }
}

/**
 * Catches the session up to `target`, step by step in order. Each step is one `progress` event
 * of the task "catch up" (which step of how many, then done or failed), and `onStep` hears each
 * outcome as it comes.
 */
export async function catchUp(session: LabSession, target: string, opts: { progress?: ProgressSink; onStep?: (s: CatchUpStep) => void } = {}): Promise<CatchUpResult> {
  const before = stepsBefore(session, target);
  const task = progressTask(opts.progress ?? (() => {}), 'catch up');
  const steps: CatchUpStep[] = [];
  for (const [i, id] of before.entries()) {
    task.update(`step ${i + 1} of ${before.length}: ${id}`, { current: i, total: before.length });
    const s = await catchUpStep(session, id);
    steps.push(s);
    opts.onStep?.(s);
    if (!s.ok) {
      task.failed(`step ${i + 1} of ${before.length}: ${id} did not pass`);
      return { steps, reached: id };
    }
  }
  task.done(`at ${target}`);
  return { steps, reached: target };
}

/**
 * The learner's saved progress after a catch-up, as the player keeps it: the steps that passed
 * are passed, one whose check failed is not (any more), and the learner is on the step reached.
 */
export async function recordCatchUp(lab: string, result: CatchUpResult): Promise<LabProgress> {
  const saved = await readProgress(lab);
  const failed = new Set(result.steps.filter((s) => !s.ok).map((s) => s.id));
  const added = result.steps.filter((s) => s.ok && !saved.passed.includes(s.id)).map((s) => s.id);
  const passed = [...saved.passed.filter((s) => !failed.has(s)), ...added];
  return writeProgress({ ...saved, passed, currentStep: result.reached });
}
