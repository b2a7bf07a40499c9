// While the session records, each step the learner opens (and the one open when the recording
// starts) becomes a marker in every terminal's recording, labelled with the step's title.
import { useEffect } from 'react';
import type { SessionInfo } from '../../../electron/shared/api.js';
import type { LabClient } from '../api/lab-client.js';

export function useStepMarker(client: LabClient, session: SessionInfo | undefined, stepTitle: string | undefined): void {
  const recording = session?.recording?.active ? session.recording.id : undefined;
  const id = session?.id;
  useEffect(() => {
    if (!id || !recording || !stepTitle) return;
    // A marker lost (the recording just stopped) costs nothing but the marker.
    client.call('markRecording', { session: id, label: stepTitle.slice(0, 200) }).catch(() => {});
  }, [client, id, recording, stepTitle]);
}
