// One lab in the catalog: what it is, how long, how hard, what it runs, how far you got.
import type { LabProgress, LabSummary } from '../../../electron/shared/api.js';
import { ClockIcon, MachineIcon } from '../app/icons.js';

interface Props { lab: LabSummary; progress?: LabProgress; running: boolean; onOpen(): void }

export function LabCard({ lab, progress, running, onOpen }: Props) {
  const done = progress ? lab.steps.filter((s) => progress.passed.includes(s.id)).length : 0;
  const total = lab.steps.length;
  const started = done > 0 || progress?.currentStep !== undefined;
  const headingId = `lab-${lab.id}-title`;
  return (
    <article className="lab-card" aria-labelledby={headingId}>
      <div className="lab-card-head">
        <h2 id={headingId}>{lab.title}</h2>
        {running && <span className="badge live">Running</span>}
      </div>
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
          <span className="muted">{done}/{total} steps</span>
        </div>
        <button type="button" className="button primary" onClick={onOpen} aria-label={`${running || started ? 'Continue' : 'Open lab'}: ${lab.title}`}>
          {running || started ? 'Continue' : 'Open lab'}
        </button>
      </div>
    </article>
  );
}
