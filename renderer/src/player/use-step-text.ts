// The current step's text (markdown, hints, solution, check and question), fetched once per step
// and kept: going back to a step shows it at once.
import { useEffect, useState } from 'react';
import type { Result } from '../../../electron/shared/api.js';
import type { LabClient } from '../api/lab-client.js';
import { errorText } from '../app/client-context.js';

type StepText = Result<'getStep'>;

export function useStepText(client: LabClient, labId: string, current: string | undefined): { step?: StepText; stepError?: string } {
  const [texts, setTexts] = useState<Record<string, StepText>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const have = current !== undefined && current in texts;
  useEffect(() => {
    if (current === undefined || have) return;
    let live = true;
    client.call('getStep', { lab: labId, step: current }).then(
      (s) => setTexts((all) => ({ ...all, [current]: s })),
      (err) => { if (live) setErrors((all) => ({ ...all, [current]: errorText(err) })); },
    );
    return () => { live = false; };
  }, [client, labId, current, have]);
  if (current === undefined) return {};
  const step = texts[current];
  const stepError = errors[current];
  return { ...(step ? { step } : {}), ...(stepError !== undefined && !step ? { stepError } : {}) };
}
