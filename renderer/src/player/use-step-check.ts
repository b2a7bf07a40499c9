// The current step's check: run on request (C, the Check button), by itself every `poll` seconds,
// or by answering the step's question. Its result belongs to the step and to the machines it was
// run on: another step, a reset or another session starts from an empty box.
import { useCallback, useEffect, useRef } from 'react';
import type { CheckResult, Result, SessionInfo } from '../../../electron/shared/api.js';
import type { LabClient } from '../api/lab-client.js';
import { errorText } from '../app/client-context.js';
import { useKeyedState } from '../app/keyed-state.js';
import { useLatest } from '../app/use-latest.js';
import { checkCleared, checkEnded, checkStarted, idleCheck, type CheckState } from './check-state.js';
import type { LearnerAction } from './learner-state.js';

interface Args {
  client: LabClient;
  session: SessionInfo | undefined;
  /** Counts the times the machines were made anew (use-lab-session). */
  generation: number;
  current: string | undefined;
  step: Result<'getStep'> | undefined;
  passed: boolean;
  dispatch(action: LearnerAction): void;
}

export interface StepCheck {
  check: CheckState;
  runCheck(auto: boolean): Promise<void>;
  submitAnswer(answer: string): void;
  /** The learner acted on the machines (ran a block): an old result no longer describes them. */
  clearCheck(): void;
}

export function useStepCheck({ client, session, generation, current, step, passed, dispatch }: Args): StepCheck {
  const key = `${generation}/${session?.id}/${current}`;
  const [check, setCheck] = useKeyedState<CheckState>(key, idleCheck);
  const latestKey = useLatest(key);
  const checking = useRef<string | null>(null);
  const running = session?.state === 'running';

  /** Runs the step's check, or (`answer`) answers its question; either passes the step. */
  const verify = useCallback(async (auto: boolean, answer?: string) => {
    if (!session || !current || checking.current) return;
    const stepId = current;
    const startedFor = latestKey.current;
    checking.current = stepId;
    setCheck((c) => checkStarted(c, auto));
    let result: CheckResult | undefined;
    let error: string | undefined;
    try {
      result = answer === undefined
        ? await client.call('checkStep', { session: session.id, step: stepId })
        : await client.call('answerStep', { session: session.id, step: stepId, answer });
    } catch (err) {
      error = errorText(err);
    } finally {
      checking.current = null;
    }
    if (result?.ok) dispatch({ type: 'passed', step: stepId });
    // A check that fails now un-passes its step (an answer once right stays right).
    else if (result && answer === undefined) dispatch({ type: 'failed', step: stepId });
    // The learner moved to another step, or the machines were made anew: this result is not theirs.
    if (latestKey.current !== startedFor) return;
    setCheck((c) => checkEnded(c, auto, { ...(result ? { result } : {}), ...(error !== undefined ? { error } : {}) }, Date.now()));
  }, [client, session, current, dispatch, setCheck, latestKey]);

  const runCheck = useCallback((auto: boolean) => verify(auto), [verify]);
  const submitAnswer = useCallback((answer: string) => void verify(false, answer), [verify]);
  const clearCheck = useCallback(() => setCheck(checkCleared), [setCheck]);

  useEffect(() => {
    if (!step?.poll || !step.hasCheck || !running || passed || step.step !== current) return;
    const timer = setInterval(() => void runCheck(true), step.poll * 1000);
    return () => clearInterval(timer);
  }, [step, running, passed, current, runCheck]);

  return { check, runCheck, submitAnswer, clearCheck };
}
