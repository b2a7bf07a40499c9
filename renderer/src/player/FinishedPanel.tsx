// At the end of a lab: what is next on the learning path, and the ways out (stopping the lab first
// when it runs, so nothing is left on the engine by accident).
import type { LabSummary } from '../../../electron/shared/api.js';

interface Props {
  lab: LabSummary;
  next: LabSummary | undefined;
  running: boolean;
  onStartNext(): void;
  onStopAndLeave(): void;
  onLeave(): void;
}

export function FinishedPanel({ lab, next, running, onStartNext, onStopAndLeave, onLeave }: Props) {
  return (
    <div className="result pass finished" role="status">
      <div>
        <strong>Lab complete.</strong> You did every step of “{lab.title}”.
        {next && <p>Next on the learning path: “{next.title}” ({next.duration} min, {next.difficulty}).</p>}
        {!next && lab.order !== undefined && <p>That was the last lab of the learning path.</p>}
        <div className="action-row">
          {next && (
            <button type="button" className="button primary" data-finished-action onClick={onStartNext}>
              {running ? 'Stop this lab and start the next →' : 'Start the next lab →'}
            </button>
          )}
          {running && <button type="button" className={`button${next ? '' : ' primary'}`} data-finished-action onClick={onStopAndLeave}>Stop the lab and go back</button>}
          <button type="button" className="button" data-finished-action onClick={onLeave}>Back to the labs</button>
        </div>
      </div>
    </div>
  );
}
