// What every lens shares: a line that says what it shows, whether it is live (and a pause), the
// error of the last refresh above the last good data, and a placeholder of the same size while
// the first answer is on its way — so nothing jumps when it arrives.
import type { ReactNode } from 'react';

export interface LensFrameProps {
  intro: ReactNode;
  /** Refresh period shown to the learner; absent for lenses that are read on demand. */
  liveEveryMs?: number;
  paused?: boolean;
  onPause?(paused: boolean): void;
  error: string | undefined;
  loading: boolean;
  /** Controls (filters, pickers) shown on the lens's toolbar line. */
  tools?: ReactNode;
  children: ReactNode;
}

export function LensFrame({ intro, liveEveryMs, paused, onPause, error, loading, tools, children }: LensFrameProps) {
  return (
    <div className="lens-frame">
      <div className="lens-head">
        <p className="lens-intro">{intro}</p>
        <div className="lens-tools">
          {tools}
          {liveEveryMs !== undefined && onPause && (
            <button type="button" className={`button small ghost live-toggle ${paused ? 'paused' : ''}`} aria-pressed={paused}
              title={paused ? 'Resume live updates' : `Live: refreshed every ${liveEveryMs / 1000} s. Pause to read.`}
              onClick={() => onPause(!paused)}>
              <span className="live-dot" aria-hidden="true" />{paused ? 'Paused' : 'Live'}
            </button>
          )}
        </div>
      </div>
      {error && <p className="lens-error" role="alert">Could not read this lens: {error}{loading ? '' : ' (showing the last answer)'}</p>}
      {loading && !error ? (
        <div className="lens-loading" role="status"><span className="spinner" aria-hidden="true" /> Reading…</div>
      ) : !loading && children}
    </div>
  );
}
