// The learner's progress in a lab: loaded once, changed through the reducer, saved after every
// change (the engine keeps it in the user's data folder, so it survives a restart). Each change
// is also mirrored at once into this tab's sessionStorage: a reload a few milliseconds after
// "Next step" comes back to that step even if the save had not reached the engine yet.
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
      const mirrored = readMirror(lab);
      // The mirror is this tab's newest state; the effect below saves it if the engine missed it.
      dispatch({ type: 'loaded', progress: mirrored ?? p });
      setLoaded(true);
    }, () => { if (live) setLoaded(true); });
    return () => { live = false; };
  }, [client, lab]);

  useEffect(() => {
    if (!loaded || learner === saved.current) return;
    writeMirror(learner);
    saved.current = learner;
    client.call('saveProgress', toSaveParams(learner)).then(() => setSaveError(undefined), (err) => setSaveError(errorText(err)));
  }, [client, learner, loaded]);

  const clear = useCallback(async () => {
    await client.call('clearProgress', { lab });
    removeMirror(lab);
    saved.current = emptyLearner(lab);
    dispatch({ type: 'cleared' });
  }, [client, lab]);

  return { learner, loaded, ...(saveError !== undefined ? { saveError } : {}), dispatch, clear };
}

const mirrorKey = (lab: string) => `labvisor.progress.${lab}`;

function readMirror(lab: string): LabProgress | undefined {
  try {
    const text = sessionStorage.getItem(mirrorKey(lab));
    const p = text ? JSON.parse(text) as LabProgress : undefined;
    return p && p.lab === lab && Array.isArray(p.passed) ? p : undefined;
  } catch {
    return undefined; // storage off or damaged: the engine's copy is enough
  }
}

function writeMirror(p: LabProgress): void {
  try { sessionStorage.setItem(mirrorKey(p.lab), JSON.stringify(p)); } catch { /* storage off: the engine's copy is enough */ }
}

function removeMirror(lab: string): void {
  try { sessionStorage.removeItem(mirrorKey(lab)); } catch { /* nothing to remove */ }
}
