// The recordings in the data folder, newest first; one of them opened in the player. Reached from
// the catalog ("Recordings") and from the lab bar after a recording stopped.
import { useEffect, useState } from 'react';
import type { RecordingSummary } from '../../../electron/shared/api.js';
import { errorText, useClient, useConnectionState } from '../app/client-context.js';
import { CastPlayer } from './CastPlayer.js';
import { formatTime } from './cast.js';
import { recordingHash } from './recording-route.js';

export function RecordingsPage({ id }: { id?: string }) {
  const client = useClient();
  const connection = useConnectionState(client);
  const [recordings, setRecordings] = useState<RecordingSummary[]>();
  const [error, setError] = useState<string>();

  useEffect(() => {
    if (connection !== 'open') return;
    let live = true;
    client.call('listRecordings', {}).then(
      (r) => { if (live) setRecordings(r.recordings); },
      (err) => { if (live) setError(errorText(err)); },
    );
    return () => { live = false; };
  }, [client, connection, id]);

  const chosen = id ? recordings?.find((r) => r.id === id) : undefined;
  return (
    <main id="main" className="recordings" tabIndex={-1}>
      <div className="catalog-inner">
        {error && <p className="error-box" role="alert">Could not list the recordings: {error}</p>}
        {!recordings && !error && <p className="loading"><span className="spinner" aria-hidden="true" /> Loading the recordings…</p>}
        {recordings && id && !chosen && <p className="error-box" role="alert">No recording “{id}”. <a href={recordingHash()}>All recordings</a></p>}
        {chosen ? <CastPlayer key={chosen.id} recording={chosen} /> : recordings && !id && <RecordingList recordings={recordings} />}
      </div>
    </main>
  );
}

function RecordingList({ recordings }: { recordings: RecordingSummary[] }) {
  return (
    <>
      <h1>Recordings</h1>
      <p className="muted">Each lab's terminals as you recorded them (Record, in a running lab's bar), one asciicast file per terminal, with the steps as markers.</p>
      {recordings.length === 0 ? <p>No recordings yet.</p> : (
        <table className="recording-table">
          <thead><tr><th scope="col">Lab</th><th scope="col">Recorded</th><th scope="col">Terminals</th><th scope="col">Length</th><th scope="col"><span className="visually-hidden">Play</span></th></tr></thead>
          <tbody>
            {recordings.map((r) => (
              <tr key={r.id}>
                <td>{r.lab}</td>
                <td><time dateTime={r.startedAt}>{new Date(r.startedAt).toLocaleString()}</time>{r.active && <span className="badge recording-badge"><span className="rec-dot" aria-hidden="true" />Recording</span>}</td>
                <td>{r.machines.map((m) => m.file.replace(/\.cast$/, '')).join(', ') || '—'}</td>
                <td>{formatTime(Math.max(0, ...r.machines.map((m) => m.duration)))}</td>
                <td><a className="button small" href={recordingHash(r.id)} aria-label={`Play the recording of ${r.lab} from ${new Date(r.startedAt).toLocaleString()}`}>Play</a></td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
