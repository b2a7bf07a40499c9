// The lab's steps with their status; the current one is marked for assistive technology too.
// In a narrow window (a projector at 1024×768) the list is a rail of step numbers; its toggle
// opens the titles as a drawer over the step text, which closes on a pick, Esc or a click outside.
import { useEffect, useRef, useState } from 'react';
import type { LabProgress } from '../../../electron/shared/api.js';
import { stepStatus } from './learner-state.js';

type Step = { id: string; title: string };

export function StepList({ steps, learner, current, onOpen }: { steps: Step[]; learner: LabProgress; current?: string; onOpen(step: string): void }) {
  const done = steps.filter((s) => learner.passed.includes(s.id)).length;
  const [open, setOpen] = useState(false);
  const nav = useRef<HTMLElement>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => { if (!nav.current?.contains(e.target as Node)) setOpen(false); };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);
  return (
    <nav className={`step-list${open ? ' open' : ''}`} aria-labelledby="steps-heading" ref={nav}
      onKeyDown={(e) => {
        if (e.key === 'Escape' && open && !e.defaultPrevented) { e.preventDefault(); setOpen(false); toggle.current?.focus(); }
      }}>
      <div className="step-list-head">
        <button type="button" className="icon-button step-list-toggle" ref={toggle} aria-expanded={open} aria-controls="step-list-items"
          title={open ? 'Hide the step titles' : 'Show the step titles'} onClick={() => setOpen((o) => !o)}>
          <span aria-hidden="true">{open ? '«' : '»'}</span><span className="visually-hidden">Step titles</span>
        </button>
        <h2 id="steps-heading">Steps</h2>
        <span className="muted step-count">{done}/{steps.length}</span>
      </div>
      <div className="bar thin" aria-hidden="true"><div className="fill" style={{ width: `${(done / steps.length) * 100}%` }} /></div>
      <ol id="step-list-items">
        {steps.map((s, i) => {
          const status = stepStatus(learner, s.id, current);
          return (
            <li key={s.id}>
              <button type="button" className={`step-link ${status} ${s.id === current ? 'selected' : ''}`} title={s.title}
                aria-current={s.id === current ? 'step' : undefined} onClick={() => { setOpen(false); onOpen(s.id); }}>
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
