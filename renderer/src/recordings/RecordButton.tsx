// The lab bar's Record toggle: records the session's terminals (every machine, with the steps as
// markers) until pressed again or the lab stops. While it records, a badge says so; after it
// stopped, a link opens the recording.
import { useState } from 'react';
import type { SessionInfo } from '../../../electron/shared/api.js';
import { errorText, useClient } from '../app/client-context.js';
import { recordingHash } from './recording-route.js';

export function RecordButton({ session }: { session: SessionInfo | undefined }) {
  const client = useClient();
  const [busy, setBusy] = useState(false);
  const [last, setLast] = useState<{ id: string; notice?: string }>();
  const [error, setError] = useState<string>();
  const running = session?.state === 'running';
  const recording = session?.recording;
  const active = Boolean(recording?.active);
  // The last recording seen running: when the lab stops, so does it, and the link stays.
  const [seen, setSeen] = useState<string>();
  if (recording?.active && recording.id !== seen) setSeen(recording.id);

  const toggle = async () => {
    if (!session) return;
    setBusy(true);
    setError(undefined);
    try {
      if (active) setLast(await client.call('stopRecording', { session: session.id }));
      else {
        await client.call('startRecording', { session: session.id });
        setLast(undefined);
      }
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  };

  // A recording that stopped by itself (its size limit) says why, and where it is.
  const stopped = recording && !recording.active ? { id: recording.id, ...(recording.notice ? { notice: recording.notice } : {}) } : last ?? (seen ? { id: seen } : undefined);
  return (
    <>
      {active && <span className="badge recording-badge" role="status"><span className="rec-dot" aria-hidden="true" />Recording</span>}
      {!active && stopped && (
        <span className="recording-done" role="status">
          {stopped.notice && <span className="badge warn" title={stopped.notice}>{stopped.notice}</span>}
          <a className="button ghost small" href={recordingHash(stopped.id)}>Open recording</a>
        </span>
      )}
      {error && <span className="badge warn" role="alert" title={error}>Recording failed: {error}</span>}
      <button type="button" className={`button ghost small${active ? ' recording-on' : ''}`} aria-pressed={active}
        disabled={(!running && !active) || busy || !session}
        title={active ? 'Stop recording the terminals' : running ? 'Record every terminal of this lab, with the steps as markers' : 'Start the lab to record its terminals'}
        onClick={() => void toggle()}>
        <span className="rec-dot" aria-hidden="true" /> {active ? 'Stop recording' : 'Record'}
      </button>
    </>
  );
}
