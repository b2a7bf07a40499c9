// "Skip to this step", the pure part: which earlier steps a learner has not done, which step a
// running catch-up is on (from its `progress` events), and how its outcome changes the learner's
// progress. Unit-tested; use-catch-up.ts runs it.
import type { LabProgress, ProgressEvent, Result } from '../../../electron/shared/api.js';
import type { LearnerAction } from './learner-state.js';

/** The engine's `progress` task of a catch-up (electron/engine/sessions/catch-up.ts). */
export const CATCH_UP_TASK = 'catch up';

/** The steps before `current` the learner has not passed: what a catch-up to it would do. */
export function stepsToCatchUp(learner: LabProgress, stepIds: readonly string[], current: string | undefined): string[] {
  const at = current ? stepIds.indexOf(current) : -1;
  return at <= 0 ? [] : stepIds.slice(0, at).filter((s) => !learner.passed.includes(s));
}

/** The step a catch-up works on now (of the steps before `target`), from one of its progress events. */
export function catchUpAt(stepIds: readonly string[], target: string, event: ProgressEvent): { step: string; index: number; total: number } | undefined {
  if (event.task !== CATCH_UP_TASK || event.state !== undefined || event.current === undefined || event.total === undefined) return undefined;
  const before = stepIds.slice(0, Math.max(0, stepIds.indexOf(target)));
  const step = before[event.current];
  return step === undefined ? undefined : { step, index: event.current, total: event.total };
}

/** What a finished catch-up does to the learner's progress: steps passed (or failed now), and the step reached opened. */
export function catchUpActions(result: Result<'catchUp'>): LearnerAction[] {
  return [
    ...result.steps.map((s): LearnerAction => (s.ok ? { type: 'passed', step: s.id } : { type: 'failed', step: s.id })),
    { type: 'open-step', step: result.reached },
  ];
}

/** Where a catch-up stopped short of its target: that step and why, in the check's words. */
export function catchUpFailure(result: Result<'catchUp'>, target: string): { step: string; messages: string[] } | undefined {
  if (result.reached === target) return undefined;
  const failed = result.steps.find((s) => s.id === result.reached);
  return { step: result.reached, messages: failed?.messages.length ? failed.messages : ['its check does not pass'] };
}
