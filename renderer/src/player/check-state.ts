// What the box under a step shows about its check, and how a check's run changes it. Pure: the
// rules are unit-tested. A failed result stays until the learner acts (runs a block, checks,
// answers, changes step) or a later poll passes: a poll that fails, or cannot run, says nothing new.
import type { CheckResult } from '../../../electron/shared/api.js';

/** `result`/`error`: what the box shows; `at` tells one result from the next (the live region announces a second "Not yet" too). */
export interface CheckState {
  running: boolean;
  /** The check running now is a poll (no spinner on the Check button). */
  polling?: boolean;
  result?: CheckResult;
  error?: string;
  at?: number;
}

export const idleCheck: CheckState = { running: false };

/** A check starts: what the box shows stays until its outcome is known. */
export function checkStarted(state: CheckState, auto: boolean): CheckState {
  return { ...state, running: true, polling: auto };
}

/** A check ended with a result or an error: a poll changes the box only when it passes. */
export function checkEnded(state: CheckState, auto: boolean, outcome: { result?: CheckResult; error?: string }, now: number): CheckState {
  const { running: _r, polling: _p, ...shown } = state;
  if (auto && !outcome.result?.ok) return { ...shown, running: false };
  return {
    running: false, at: now,
    ...(outcome.result ? { result: outcome.result } : {}),
    ...(outcome.error !== undefined ? { error: outcome.error } : {}),
  };
}

/** The learner acted (ran a block): an old result no longer describes the machines. */
export function checkCleared(state: CheckState): CheckState {
  return state.result || state.error !== undefined ? { running: state.running, ...(state.polling ? { polling: true } : {}) } : state;
}
