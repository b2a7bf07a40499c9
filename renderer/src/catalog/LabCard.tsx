// One lab in the catalog: what it is, how long, how hard, what it runs, how far you got; for an
// opened lab folder also where it is, whether it still needs the learner's trust, and its removal.
import { useEffect, useRef } from 'react';
import type { LabProgress, LabSummary } from '../../../electron/shared/api.js';
import { ClockIcon, FolderIcon, MachineIcon } from '../app/icons.js';
import { needsTrust } from './trust-gate.js';

interface Props {
  lab: LabSummary;
  /** Its place on the learning path (1 first), for a lab on it. */
  pathStep?: number;
  pathLength?: number;
  progress?: LabProgress;
  running: boolean;
  /** When the lab was just opened: the card is marked and takes the focus (each new value again). */
  selected?: number;
  onOpen(): void;
  /** Only opened folders can be removed (bundled labs come with the app). */
  onRemove?(): void;
}

export function LabCard({ lab, pathStep, pathLength, progress, running, selected, onOpen, onRemove }: Props) {
  const open = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (selected === undefined) return;
    open.current?.focus();
    open.current?.scrollIntoView({ block: 'nearest' });
  }, [selected]);
  const done = progress ? lab.steps.filter((s) => progress.passed.includes(s.id)).length : 0;
  const total = lab.steps.length;
  const started = done > 0 || progress?.currentStep !== undefined;
  // Every step done: the lab is finished, not waiting to be continued (unless it still runs).
  const finished = total > 0 && done === total;
  const action = running ? 'Continue' : finished ? 'Open again' : started ? 'Continue' : 'Open lab';
  const headingId = `lab-${lab.id}-title`;
  return (
    <article className={`lab-card${selected !== undefined ? ' selected' : ''}`} aria-labelledby={headingId}>
      <div className="lab-card-head">
        {pathStep !== undefined && (
          <span className="path-step" title={`Lab ${pathStep} of ${pathLength} on the learning path`}>
            <span aria-hidden="true">{pathStep}</span><span className="visually-hidden">Learning path, lab {pathStep} of {pathLength}:</span>
          </span>
        )}
        <h2 id={headingId}>{lab.title}</h2>
        {running && <span className="badge live">Running</span>}
        {lab.source === 'folder' && <span className="badge folder">Folder</span>}
        {needsTrust(lab) && <span className="badge warn">Needs trust</span>}
      </div>
      {lab.folder && <p className="lab-folder"><FolderIcon /><code title={lab.folder}>{lab.folder}</code></p>}
      <p className="lab-summary">{lab.summary}</p>
      <div className="lab-meta">
        <span className="meta"><ClockIcon /> {lab.duration} min</span>
        <span className={`meta difficulty ${lab.difficulty}`}>{lab.difficulty}</span>
        <span className="meta machines" aria-label={`Machines: ${lab.machines.map((m) => `${m.name} (${m.kind})`).join(', ')}`}>
          {lab.machines.map((m) => <span key={m.name} className={`machine-chip ${m.kind}`} title={`${m.name}: ${m.kind}`}><MachineIcon kind={m.kind} />{m.name}</span>)}
        </span>
      </div>
      <ul className="tags" aria-label="Tags">{lab.tags.map((t) => <li key={t} className="tag">{t}</li>)}</ul>
      <div className="lab-card-foot">
        <div className="progress-line" aria-label={`${done} of ${total} steps done`}>
          <div className="bar"><div className="fill" style={{ width: `${(done / total) * 100}%` }} /></div>
          <span className="muted">{finished ? <><span className="done-mark">✓ Done</span> · {done}/{total} steps</> : `${done}/${total} steps`}</span>
        </div>
        {onRemove && (
          <button type="button" className="button ghost small" onClick={onRemove} aria-label={`Remove from the catalog: ${lab.title}`}
            title="Remove from the catalog (the folder stays on disk)">Remove</button>
        )}
        <button type="button" ref={open} className={`button ${finished && !running ? '' : 'primary'}`} onClick={onOpen} aria-label={`${action}: ${lab.title}`}>
          {action}
        </button>
      </div>
    </article>
  );
}
