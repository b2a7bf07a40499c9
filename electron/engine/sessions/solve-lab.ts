// `run --solve`: proves a lab works end to end. For each step: the check must fail first
// (unless the step says otherwise), the solution must succeed, then the check must pass.
import type { LabSession } from './lab-session.js';

export interface StepOutcome { id: string; ok: boolean; ms: number; message: string }

export async function solveStep(session: LabSession, stepId: string): Promise<StepOutcome> {
  const began = Date.now();
  const step = session.lab.steps.find((s) => s.id === stepId)!;
  const outcome = (ok: boolean, message: string): StepOutcome => ({ id: step.id, ok, ms: Date.now() - began, message });
  if (step.check && step.failsFirst !== false) {
    const before = await session.check(step.id);
    if (before.ok) return outcome(false, 'the check passed before the solution ran, so it cannot tell whether the learner did the step');
  }
  const solved = await session.solve(step.id);
  if (!solved.ok) return outcome(false, solved.messages.join('; '));
  if (!step.check) return outcome(true, 'solution ran (no check)');
  const after = await session.check(step.id);
  return after.ok ? outcome(true, 'check passed after the solution') : outcome(false, `check failed after the solution: ${after.messages.join('; ')}`);
}

/** Solves every step in order; stops at the first failure (later steps build on it). */
export async function solveLab(session: LabSession, onStep: (o: StepOutcome) => void = () => {}): Promise<StepOutcome[]> {
  const outcomes: StepOutcome[] = [];
  for (const step of session.lab.steps) {
    const o = await solveStep(session, step.id).catch((err: Error): StepOutcome => ({ id: step.id, ok: false, ms: 0, message: err.message }));
    outcomes.push(o);
    onStep(o);
    if (!o.ok) break;
  }
  return outcomes;
}
