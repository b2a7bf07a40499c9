// The learner's progress in a lab: loaded once, changed through the reducer, saved after every
// change (the engine keeps it in the user's data folder, so it survives a restart).
import { useCallback, useEffect, useReducer, useRef, useState } from 'react';
import type { LabProgress } from '../../../electron/shared/api.js';
import type { LabClient } from '../api/lab-client.js';
import { errorText } from '../app/client-context.js';
import { emptyLearner, learnerReducer, toSaveParams, type LearnerAction } from './learner-state.js';

export function useLearner(client: LabClient, lab: string): { learner: LabProgress; loaded: boolean; saveError?: string; dispatch(a: LearnerAction): void; clear(): Promise<void> } {
  const [learner, dispatch] = useReducer(learnerReducer, lab, emptyLearner);
  const [loaded, setLoaded] = useState(false);
  const [saveError, setSaveError] = useState<string>();
  const saved = useRef<LabProgress | null>(null);

  useEffect(() => {
    let live = true;
    client.call('getProgress', { lab }).then((p) => {
      if (!live) return;
      saved.current = p;
      dispatch({ type: 'loaded', progress: p });
      setLoaded(true);
    }, () => { if (live) setLoaded(true); });
    return () => { live = false; };
  }, [client, lab]);

  useEffect(() => {
    if (!loaded || learner === saved.current) return;
    saved.current = learner;
    client.call('saveProgress', toSaveParams(learner)).then(() => setSaveError(undefined), (err) => setSaveError(errorText(err)));
  }, [client, learner, loaded]);

  const clear = useCallback(async () => {
    await client.call('clearProgress', { lab });
    saved.current = emptyLearner(lab);
    dispatch({ type: 'cleared' });
  }, [client, lab]);

  return { learner, loaded, ...(saveError !== undefined ? { saveError } : {}), dispatch, clear };
}
