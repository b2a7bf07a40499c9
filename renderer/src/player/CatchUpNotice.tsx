// Above a step whose earlier steps are not all done: "Skip to this step", which (once confirmed)
// has the engine do them — each one's solution and check — so the learner rejoins here with
// machines as this step expects. While it runs it says which step it is doing; where it stopped
// short, it shows that step's check messages on that step.
import { useState } from 'react';
import type { LabProgress } from '../../../electron/shared/api.js';
import { ConfirmDialog } from '../app/ConfirmDialog.js';
import { CrossIcon } from '../app/icons.js';
import { stepsToCatchUp } from './catch-up-state.js';
import type { CatchUpState } from './use-catch-up.js';

interface Props {
  steps: Array<{ id: string; title: string }>;
  current: string | undefined;
  learner: LabProgress;
  /** The session runs and is not busy starting, resetting or stopping. */
  running: boolean;
  catchUp: CatchUpState;
  onSkip(step: string): void;
}

export function CatchUpNotice({ steps, current, learner, running, catchUp, onSkip }: Props) {
  const [confirming, setConfirming] = useState(false);
  const ids = steps.map((s) => s.id);
  const number = (id: string) => ids.indexOf(id) + 1;
  const title = (id: string) => steps.find((s) => s.id === id)?.title ?? id;

  if (catchUp.running) {
    const { target, at } = catchUp.running;
    return (
      <div className="catch-up" role="status">
        <span className="spinner" aria-hidden="true" />
        <span>Skipping to step {number(target)}: {at ? <>doing step {at.index + 1} of {at.total}, “{title(at.step)}”…</> : 'starting…'}</span>
      </div>
    );
  }
  if (catchUp.failed && catchUp.failed.step === current && !learner.passed.includes(current)) {
    return (
      <div className="result fail catch-up-failed" role="alert">
        <CrossIcon />
        <div>
          <strong>Skipping stopped at this step: it does not pass after its solution.</strong>
          <ul>{catchUp.failed.messages.map((m, i) => <li key={i}>{m.replace(/^FAIL:\s*/, '')}</li>)}</ul>
        </div>
      </div>
    );
  }
  if (catchUp.error && catchUp.error.step === current) {
    return <div className="result fail catch-up-failed" role="alert"><CrossIcon /><div><strong>Could not skip to this step.</strong><p>{catchUp.error.message}</p></div></div>;
  }

  const todo = current && running ? stepsToCatchUp(learner, ids, current) : [];
  if (!current || todo.length === 0) return null;
  const here = number(current);
  const list = todo.length === 1 ? `Step ${number(todo[0]!)} is` : `Steps ${todo.map(number).join(', ')} are`;
  return (
    <div className="catch-up">
      <span>{list} not done yet. Fell behind?</span>
      <button type="button" className="button" onClick={() => setConfirming(true)}>Skip to this step</button>
      {confirming && (
        <ConfirmDialog title={`Skip to step ${here}?`}
          body={`Each earlier step whose check does not pass yet gets its solution, run in the machines, and then its check; what you did that passes already is kept. You continue at step ${here} — or at the first step that does not pass, with its check's messages.`}
          confirm={`Skip to step ${here}`}
          onConfirm={() => { setConfirming(false); onSkip(current); }} onCancel={() => setConfirming(false)} />
      )}
    </div>
  );
}
