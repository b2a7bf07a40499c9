// `run --solve`: proves a lab works end to end. For each step: the check must fail first
// (unless the step says otherwise), the solution must succeed, then the check must pass. A
// question step must refuse a wrong answer and accept the right one.
import { wrongAnswerFor } from '../checks/answer-match.js';
import type { Question } from '../labs/schema.js';
import type { LabSession } from './lab-session.js';

export interface StepOutcome { id: string; ok: boolean; ms: number; message: string }

export async function solveStep(session: LabSession, stepId: string): Promise<StepOutcome> {
  const began = Date.now();
  const step = session.lab.steps.find((s) => s.id === stepId)!;
  const outcome = (ok: boolean, message: string): StepOutcome => ({ id: step.id, ok, ms: Date.now() - began, message });
  if (step.question) {
    const { ok, message } = await answerQuestionStep(session, step.id, step.question);
    return outcome(ok, message);
  }
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

/**
 * A question step, proven like a check: its solution (if any) runs, the right answer is computed
 * (a choice's text, or its script's output now), a wrong answer of the same form must be refused
 * (as a check must fail first), and the right one accepted.
 */
async function answerQuestionStep(session: LabSession, stepId: string, question: Question): Promise<{ ok: boolean; message: string }> {
  const solved = await session.solve(stepId);
  if (!solved.ok) return { ok: false, message: solved.messages.join('; ') };
  const right = await session.rightAnswer(stepId);
  if (!right.ok) return { ok: false, message: right.messages.join('; ') };
  const { choices, match } = question;
  const wrong = choices ? choices.find((c) => c !== right.value)! : wrongAnswerFor(right.value, match);
  if ((await session.answer(stepId, wrong)).ok) {
    return { ok: false, message: `the wrong answer ${quoted(wrong)} was accepted, so the question cannot tell whether the learner looked` };
  }
  const accepted = await session.answer(stepId, right.value);
  if (!accepted.ok) return { ok: false, message: `the right answer ${quoted(right.value)} was refused: ${accepted.messages.join('; ')} (does its script give the same answer every time?)` };
  return { ok: true, message: `answer ${quoted(right.value)}: a wrong one refused, the right one accepted` };
}

/** A value for a one-line report: quoted, control characters escaped, long ones cut. */
function quoted(value: string): string {
  return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
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
