// Above the step when the lab was interrupted by something other than the learner: the Docker
// engine stopped (waiting for it, then "it stopped this lab's machines"), or the session ended
// while the page was away (the server restarted). "Start again" starts the lab and brings the
// learner back to the step they were on (the player's catch-up); their progress is kept. (The lab
// bar's "Start over" is another thing: it forgets the progress.)
import type { EngineStatus } from '../../../electron/shared/api.js';

interface Props {
  engine: EngineStatus | undefined;
  /** Why this lab's session ended without the learner asking, if it did. */
  ended: string | undefined;
  /** A start (or the catch-up after it) runs: the button waits. */
  busy: boolean;
  onStartOver(): void;
}

export function LabInterrupted({ engine, ended, busy, onStartOver }: Props) {
  if (engine?.state === 'down') {
    return (
      <div className="catch-up lab-interrupted" role="alert" aria-label={engine.message}>
        <span className="spinner" aria-hidden="true" />
        <span>{engine.message}</span>
      </div>
    );
  }
  if (!ended) return null;
  return (
    <div className="catch-up lab-interrupted" role="alert">
      <span>{ended}</span>
      <button type="button" className="button" disabled={busy} onClick={onStartOver}>Start again</button>
    </div>
  );
}
