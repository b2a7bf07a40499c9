// Plays one recording back: a terminal per recorded machine (chosen above the screen), xterm.js
// drawing what the machine printed, with play/pause, 1×/2×/4×, a position slider, the steps'
// markers to jump to, and "Save .cast" (the file as recorded, for asciinema or another player).
// Keys on the player: Space or K plays and pauses, ←/→ move 5 s, 1, 2 and 4 set the speed.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import type { RecordingSummary } from '../../../electron/shared/api.js';
import { errorText, useClient } from '../app/client-context.js';
import { createTerminal } from '../terminal/create-terminal.js';
import { withCspSafeStyles } from '../terminal/csp-safe-styles.js';
import { CastClock, type ClockState } from './cast-clock.js';
import { formatTime, parseCast, type Cast } from './cast.js';
import { recordingHash } from './recording-route.js';

const SPEEDS = [1, 2, 4] as const;
const STEP_S = 5;

export function CastPlayer({ recording }: { recording: RecordingSummary }) {
  const client = useClient();
  const [file, setFile] = useState(recording.machines[0]?.file);
  const [loaded, setLoaded] = useState<{ file: string; text: string }>();
  const [failed, setFailed] = useState<{ file: string; message: string }>();
  const [state, setState] = useState<ClockState>();
  const frame = useRef<HTMLDivElement>(null);
  const screen = useRef<HTMLDivElement>(null);
  const clock = useRef<CastClock>(null);

  useEffect(() => {
    if (!file) return;
    let live = true;
    client.call('getRecording', { id: recording.id, file }).then(
      ({ text }) => { if (live) setLoaded({ file, text }); },
      (err) => { if (live) setFailed({ file, message: errorText(err) }); },
    );
    return () => { live = false; };
  }, [client, recording.id, file]);

  const text = loaded && loaded.file === file ? loaded.text : undefined;
  const parsed = useMemo((): { cast?: Cast; error?: string } => {
    if (text === undefined) return {};
    try { return { cast: parseCast(text) }; } catch (err) { return { error: errorText(err) }; }
  }, [text]);
  const cast = parsed.cast;

  // The .cast as recorded, for "Save .cast".
  const download = useMemo(() => (text === undefined ? undefined : URL.createObjectURL(new Blob([text], { type: 'application/x-asciicast' }))), [text]);
  useEffect(() => () => { if (download) URL.revokeObjectURL(download); }, [download]);

  useEffect(() => {
    if (!cast) return;
    const parts = createTerminal(screen.current!, {
      fontSize: 14, contrast: document.documentElement.classList.contains('presenter'), client,
      onRenderer: (r) => frame.current?.setAttribute('data-renderer', r),
    });
    const { term } = parts;
    term.options.disableStdin = true; // a recording is watched, not typed into
    // Every key on the screen is the player's (xterm would otherwise swallow Space and the digits).
    term.attachCustomKeyEventHandler(() => false);
    const c = new CastClock(cast, {
      reset: (cols, rows) => { term.reset(); term.resize(cols, rows); },
      write: (data) => term.write(data),
      resize: (cols, rows) => term.resize(cols, rows),
    }, setState);
    clock.current = c;
    return () => {
      c.dispose();
      clock.current = null;
      withCspSafeStyles(document, () => term.dispose());
    };
  }, [cast, client]);

  const onKey = (e: KeyboardEvent) => {
    const c = clock.current;
    if (!c || e.ctrlKey || e.metaKey || e.altKey) return;
    const onControl = e.target instanceof HTMLElement && e.target.matches('button, a, input');
    if ((e.key === ' ' && !onControl) || e.key === 'k' || e.key === 'K') c.toggle();
    else if (e.key === 'ArrowLeft' && !onControl) c.seek(c.state.position - STEP_S);
    else if (e.key === 'ArrowRight' && !onControl) c.seek(c.state.position + STEP_S);
    else if (e.key === '1' || e.key === '2' || e.key === '4') c.setSpeed(Number(e.key));
    else return;
    e.preventDefault();
  };

  const started = new Date(recording.startedAt).toLocaleString();
  const error = (failed && failed.file === file ? failed.message : undefined) ?? parsed.error;
  return (
    <section className="cast-player" aria-label="Recording player" onKeyDown={onKey}>
      <div className="cast-head">
        <div>
          <a href={recordingHash()} className="button ghost small">All recordings</a>
          <h1>{recording.lab} <span className="muted">· {started}</span></h1>
        </div>
        {download && file && <a className="button small" href={download} download={`${recording.id}-${file}`}>Save .cast</a>}
      </div>
      {recording.machines.length > 1 && (
        <div className="cast-machines" role="group" aria-label="Terminal">
          {recording.machines.map((m) => (
            <button key={m.file} type="button" className="button ghost small" aria-pressed={m.file === file} onClick={() => setFile(m.file)}>
              {m.file.replace(/\.cast$/, '')}
            </button>
          ))}
        </div>
      )}
      {!recording.machines.length && <p>This recording has no terminal: none was open while it ran.</p>}
      {error && <p className="error-box" role="alert">Cannot play {file}: {error}</p>}
      {file && !cast && !error && <p className="loading"><span className="spinner" aria-hidden="true" /> Loading {file}…</p>}
      {cast && (
        <>
          <div className="cast-controls">
            <button type="button" className="button primary small" aria-keyshortcuts="Space K" onClick={() => clock.current?.toggle()}>
              {state?.playing ? 'Pause' : state?.ended ? 'Play again' : 'Play'}
            </button>
            <div className="cast-speeds" role="group" aria-label="Speed">
              {SPEEDS.map((s) => (
                <button key={s} type="button" className="button ghost small" aria-pressed={state?.speed === s} aria-keyshortcuts={String(s)}
                  onClick={() => clock.current?.setSpeed(s)}>{s}×</button>
              ))}
            </div>
            <input type="range" className="cast-position" aria-label="Position" min={0} max={cast.duration} step="any"
              value={state?.position ?? 0} aria-valuetext={`${formatTime(state?.position ?? 0)} of ${formatTime(cast.duration)}`}
              onChange={(e) => clock.current?.seek(Number(e.target.value))} />
            <span className="cast-time" aria-hidden="true">{formatTime(state?.position ?? 0)} / {formatTime(cast.duration)}</span>
          </div>
          {cast.markers.length > 0 && (
            <ol className="cast-markers" aria-label="Steps: jump to one">
              {cast.markers.map((m, i) => (
                <li key={i}>
                  <button type="button" className="link-button" onClick={() => clock.current?.seek(m.at)} title="Jump here">
                    <span className="muted">{formatTime(m.at)}</span> {m.label}
                  </button>
                </li>
              ))}
            </ol>
          )}
        </>
      )}
      <div className="cast-screen" ref={frame} data-file={file} hidden={!cast}>
        <div ref={screen} />
      </div>
    </section>
  );
}
