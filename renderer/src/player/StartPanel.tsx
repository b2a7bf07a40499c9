// Where the terminals will be, before they are: the Start button, then one progress bar per
// task (images, machines) with its phase and elapsed time, or the error with its fix.
import { useEffect, useState } from 'react';
import type { DoctorReport, LabSummary } from '../../../electron/shared/api.js';
import { MachineIcon, PlayIcon } from '../app/icons.js';
import { KIND_DESCRIPTION } from '../app/machine-kinds.js';
import { formatElapsed, shownElapsed, taskMachine, type StartProgress } from './start-progress.js';

interface Props {
  lab: LabSummary;
  progress: StartProgress;
  busy?: string;
  error?: string;
  doctor?: DoctorReport;
  canStart: boolean;
  onStart(): void;
}

function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    const t = setInterval(() => setNow(Date.now()), 200);
    return () => clearInterval(t);
  }, [active]);
  return now;
}

export function StartPanel({ lab, progress, busy, error, doctor, canStart, onStart }: Props) {
  const working = busy === 'starting' || busy === 'resetting';
  const now = useNow(working);
  const problems = doctor?.checks.filter((c) => c.status !== 'ok' && c.fix) ?? [];
  return (
    <section className="start-panel" aria-label="Lab machines" aria-busy={working}>
      {!working && (
        <div className="start-intro">
          <h2>{error ? 'The lab could not start' : 'Start the lab'}</h2>
          <p className="muted">Labvisor will start these machines on this computer:</p>
          <ul className="machine-list">
            {lab.machines.map((m) => (
              <li key={m.name}><MachineIcon kind={m.kind} /> <strong>{m.name}</strong> <span className="muted">{KIND_DESCRIPTION[m.kind]}</span></li>
            ))}
          </ul>
          <button type="button" className="button primary large" data-start onClick={onStart} disabled={!canStart}>
            <PlayIcon /> {error ? 'Try again' : 'Start lab'}
          </button>
        </div>
      )}
      {working && <h2 className="start-title"><span className="spinner" aria-hidden="true" /> {busy === 'resetting' ? 'Resetting the lab…' : 'Starting the lab…'}</h2>}
      {progress.length > 0 && (
        <ul className="task-list" aria-label="Progress">
          {progress.map((row) => {
            const machine = taskMachine(row.task);
            return (
              <li key={row.task} className={`task ${row.state}`}>
                <div className="task-head">
                  <span className="task-name">{machine ? <>Machine <strong>{machine}</strong></> : row.task}</span>
                  <span className="task-time">{formatElapsed(shownElapsed(row, now))}</span>
                </div>
                <div className={`bar ${row.fraction === undefined && row.state === 'running' ? 'indeterminate' : ''}`}
                  role="progressbar" aria-label={row.task} aria-valuemin={0} aria-valuemax={100}
                  aria-valuenow={row.state === 'done' ? 100 : row.fraction !== undefined ? Math.round(row.fraction * 100) : undefined}>
                  <div className="fill" style={{ width: `${row.state === 'done' ? 100 : (row.fraction ?? 0.35) * 100}%` }} />
                </div>
                <div className="task-phase">{row.state === 'failed' ? '✕ ' : row.state === 'done' ? '✓ ' : ''}{row.phase}</div>
              </li>
            );
          })}
        </ul>
      )}
      {error && (
        <div className="error-box" role="alert">
          <pre className="error-text">{error}</pre>
          {problems.length > 0 && (
            <ul className="findings">
              {problems.map((p) => <li key={p.id} className={p.status}><span><strong>{p.id}</strong>: {p.detail}</span><span className="finding-fix">Fix: <code>{p.fix}</code></span></li>)}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
