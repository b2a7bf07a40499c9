// "Skip to this step": asks the engine to catch the session up to a step (catchUp), follows its
// `progress` events to say which earlier step it is doing, and then marks the learner's progress
// as the engine saved it: the steps passed, and the learner on the step reached. Where it stopped
// short, the failing step and its check's messages are kept to show on that step.
import { useCallback, useEffect, useRef } from 'react';
import type { SessionInfo } from '../../../electron/shared/api.js';
import type { LabClient } from '../api/lab-client.js';
import { errorText } from '../app/client-context.js';
import { useKeyedState } from '../app/keyed-state.js';
import { useLatest } from '../app/use-latest.js';
import { catchUpActions, catchUpAt, catchUpFailure } from './catch-up-state.js';
import type { LearnerAction } from './learner-state.js';

export interface CatchUpState {
  /** A catch-up runs: to which step, and which earlier step it is doing now. */
  running?: { target: string; at?: { step: string; index: number; total: number } };
  /** The last catch-up stopped at `step`, whose check says `messages`. */
  failed?: { step: string; messages: string[] };
  /** The last catch-up could not run (the session stopped, the connection broke …). */
  error?: { step: string; message: string };
}

interface Args {
  client: LabClient;
  session: SessionInfo | undefined;
  /** Counts the times the machines were made anew: what a catch-up found is true of one start only. */
  generation: number;
  stepIds: readonly string[];
  dispatch(action: LearnerAction): void;
  /** The learner landed on a step (the one asked for, or where it stopped). */
  onLanded(step: string): void;
}

const IDLE: CatchUpState = {};

export function useCatchUp({ client, session, generation, stepIds, dispatch, onLanded }: Args): { catchUp: CatchUpState; skipTo(target: string): Promise<void> } {
  const sessionId = session?.id;
  const key = `${generation}/${sessionId}`;
  const [catchUp, setCatchUp] = useKeyedState<CatchUpState>(key, IDLE);
  const latestKey = useLatest(key);
  const target = catchUp.running?.target;
  const busy = useRef(false);

  useEffect(() => {
    if (!sessionId || !target) return;
    return client.onEvent((e) => {
      if (e.event !== 'progress' || e.session !== sessionId) return;
      const at = catchUpAt(stepIds, target, e.progress);
      if (at) setCatchUp((c) => (c.running ? { ...c, running: { ...c.running, at } } : c));
    });
  }, [client, sessionId, target, stepIds, setCatchUp]);

  const skipTo = useCallback(async (to: string) => {
    if (!sessionId || busy.current) return;
    busy.current = true;
    const startedFor = latestKey.current;
    setCatchUp({ running: { target: to } });
    try {
      const result = await client.call('catchUp', { session: sessionId, step: to });
      // The machines were made anew (or the session changed) meanwhile: what it did is gone with them.
      if (latestKey.current !== startedFor) return;
      for (const action of catchUpActions(result)) dispatch(action);
      const failed = catchUpFailure(result, to);
      setCatchUp(failed ? { failed } : IDLE);
      onLanded(result.reached);
    } catch (err) {
      if (latestKey.current === startedFor) setCatchUp({ error: { step: to, message: errorText(err) } });
    } finally {
      busy.current = false;
    }
  }, [client, sessionId, dispatch, onLanded, setCatchUp, latestKey]);

  return { catchUp, skipTo };
}
