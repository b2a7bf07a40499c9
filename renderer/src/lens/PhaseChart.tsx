// A run's start, per machine: one bar from the machine's start to "ready", cut where each phase
// ended. Bars are SVG with percentage geometry (no measuring), labels are HTML text; `maxMs` is
// shared with the run shown beside it so equal lengths mean equal times.
import { formatMs } from './format.js';
import type { FootprintRun } from './chart-scale.js';
import { phaseSegments } from './chart-scale.js';

export function PhaseChart({ run, maxMs, colorOf }: { run: FootprintRun; maxMs: number; colorOf(machine: string): number }) {
  const machines = run.machines.filter((m) => m.kind === 'container' || m.kind === 'vm');
  if (!machines.length) return <p className="lens-empty">No machine start recorded in this run.</p>;
  const pct = (ms: number) => `${maxMs > 0 ? (ms / maxMs) * 100 : 0}%`;
  return (
    <div className="phase-chart">
      {machines.map((m) => {
        const segments = phaseSegments(m.phases);
        return (
          <div key={m.name} className="phase-row" data-machine={m.name}>
            <div className="phase-title">
              <span className={`swatch series-${colorOf(m.name)}`} aria-hidden="true" />
              <span className="phase-name">{m.name}</span>
              <span className="tab-kind">{m.kind === 'vm' ? `VM${m.accel ? ` · ${m.accel}` : ''}` : m.kind}</span>
              <span className="phase-ready num">ready in {formatMs(m.readyMs)}</span>
            </div>
            <svg className="phase-bar" width="100%" height="12" role="img"
              aria-label={`${m.name}: ${segments.map((s) => `${s.phase} at ${formatMs(s.toMs)}`).join(', ') || `ready in ${formatMs(m.readyMs)}`}`}>
              <rect className="phase-track" x="0" y="0" width="100%" height="12" rx="2" />
              {segments.map((s, i) => (
                <rect key={s.phase + i} className={`phase-seg series-${colorOf(m.name)} shade-${i % 2}`} x={pct(s.fromMs)} y="0"
                  width={pct(Math.max(0, s.toMs - s.fromMs))} height="12">
                  <title>{`${s.phase}: ${formatMs(s.fromMs)} → ${formatMs(s.toMs)}`}</title>
                </rect>
              ))}
            </svg>
            <ol className="phase-list">
              {segments.map((s, i) => <li key={s.phase + i}><span>{s.phase}</span> <span className="num">{formatMs(s.toMs)}</span></li>)}
            </ol>
          </div>
        );
      })}
    </div>
  );
}
