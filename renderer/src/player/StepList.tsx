// The lab's steps with their status; the current one is marked for assistive technology too.
import type { LabProgress } from '../../../electron/shared/api.js';
import { stepStatus } from './learner-state.js';

type Step = { id: string; title: string };

export function StepList({ steps, learner, current, onOpen }: { steps: Step[]; learner: LabProgress; current?: string; onOpen(step: string): void }) {
  const done = steps.filter((s) => learner.passed.includes(s.id)).length;
  return (
    <nav className="step-list" aria-labelledby="steps-heading">
      <div className="step-list-head">
        <h2 id="steps-heading">Steps</h2>
        <span className="muted">{done}/{steps.length}</span>
      </div>
      <div className="bar thin" aria-hidden="true"><div className="fill" style={{ width: `${(done / steps.length) * 100}%` }} /></div>
      <ol>
        {steps.map((s, i) => {
          const status = stepStatus(learner, s.id, current);
          return (
            <li key={s.id}>
              <button type="button" className={`step-link ${status} ${s.id === current ? 'selected' : ''}`}
                aria-current={s.id === current ? 'step' : undefined} onClick={() => onOpen(s.id)}>
                <span className={`step-mark ${status}`} aria-hidden="true">{status === 'passed' ? '✓' : i + 1}</span>
                <span className="step-title">{s.title}</span>
                <span className="visually-hidden">{status === 'passed' ? ' (done)' : ''}</span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
