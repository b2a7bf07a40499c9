// When the lab's machines are made anew, the checks' marks on their steps are no longer true:
// a Reset (here or from another window), or the engine or the server restarting under the lab,
// which ends the session. After "Start again" the learner is caught up to the step they were on.
import { useEffect, useMemo, useRef } from 'react';
import type { LabSummary, SessionInfo } from '../../../electron/shared/api.js';
import type { LabClient } from '../api/lab-client.js';
import type { LearnerAction } from './learner-state.js';
import { useEngineStatus } from './use-engine-status.js';

interface Args {
  client: LabClient;
  lab: LabSummary | undefined;
  session: SessionInfo | undefined;
  running: boolean;
  busy: unknown;
  stepIds: readonly string[];
  dispatch(action: LearnerAction): void;
  skipTo(step: string): Promise<void>;
}

export function useMachinesRenewed({ client, lab, session, running, busy, stepIds, dispatch, skipTo }: Args) {
  // Machines made anew by a Reset (here or from another window): the checks' marks on their
  // steps are no longer true (the Run marks and the check box are keyed to the machines' start).
  const checkedSteps = useMemo(() => lab?.steps.filter((s) => s.hasCheck).map((s) => s.id) ?? [], [lab]);
  const resetting = session?.state === 'resetting';
  useEffect(() => {
    if (resetting) dispatch({ type: 'reset', checked: checkedSteps });
  }, [resetting, checkedSteps, dispatch]);

  // The engine restarted under the lab, or the server did: the session ended. "Start again" starts
  // it again and then catches up to the step the learner was on (the engine forgot the checks' marks).
  const engine = useEngineStatus(client);
  const engineEnded = engine?.state === 'up' && session?.state === 'stopped' && engine.ended?.includes(session.id) ? engine.message : undefined;
  useEffect(() => {
    if (engineEnded) dispatch({ type: 'reset', checked: checkedSteps });
  }, [engineEnded, checkedSteps, dispatch]);
  const resumeTo = useRef<string | undefined>(undefined);
  useEffect(() => {
    const to = resumeTo.current;
    if (!to || !running || busy) return;
    resumeTo.current = undefined;
    if (stepIds.indexOf(to) > 0) void skipTo(to);
  }, [running, busy, stepIds, skipTo]);
  /** Catches up to `step` once the session started again runs. */
  const resumeAt = (step: string | undefined) => { resumeTo.current = step; };

  return { engine, engineEnded, resumeAt };
}
