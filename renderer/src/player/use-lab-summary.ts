// The lab the player shows, from the catalog, and the lab after it on the learning path.
import { useEffect, useState } from 'react';
import type { LabSummary } from '../../../electron/shared/api.js';
import { nextOnPath } from '../../../electron/shared/learning-path.js';
import type { LabClient } from '../api/lab-client.js';
import { errorText } from '../app/client-context.js';

export interface LabSummaryState { lab?: LabSummary; next?: LabSummary; loadError?: string }

export function useLabSummary(client: LabClient, labId: string, onTitle: (title: string) => void): LabSummaryState {
  const [state, setState] = useState<LabSummaryState>({});
  useEffect(() => {
    let live = true;
    client.call('listLabs', {}).then(({ labs }) => {
      if (!live) return;
      const lab = labs.find((l) => l.id === labId);
      if (!lab) return setState({ loadError: `There is no lab "${labId}".` });
      const next = nextOnPath(labs, labId);
      setState({ lab, ...(next ? { next } : {}) });
      onTitle(lab.title);
    }, (err) => { if (live) setState({ loadError: errorText(err) }); });
    return () => { live = false; };
  }, [client, labId, onTitle]);
  return state;
}
