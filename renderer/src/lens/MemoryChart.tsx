// Memory over time per machine: a container's cgroup usage, a VM's QEMU resident set, one point
// per sample. Drawn in pixels from the measured width; the scales come from the caller so two
// runs side by side share them.
import { useRef } from 'react';
import { formatKb } from './format.js';
import { linear, linePath, memorySeries, niceTicks, type FootprintRun } from './chart-scale.js';
import { useWidth } from './use-width.js';

const HEIGHT = 150;
const PAD = { left: 58, right: 10, top: 8, bottom: 22 };

export function MemoryChart({ run, maxT, maxKb, colorOf }: { run: FootprintRun; maxT: number; maxKb: number; colorOf(machine: string): number }) {
  const box = useRef<HTMLDivElement>(null);
  const width = useWidth(box);
  const series = [...memorySeries(run)].sort(([a], [b]) => a.localeCompare(b));
  const yTicks = niceTicks(maxKb / 1024);
  const xTicks = niceTicks(Math.max(maxT, 1));
  const x = linear(0, xTicks[xTicks.length - 1]!, PAD.left, Math.max(PAD.left + 1, width - PAD.right));
  const y = linear(0, yTicks[yTicks.length - 1]! * 1024, HEIGHT - PAD.bottom, PAD.top);
  const latest = run.samples[run.samples.length - 1];
  const summary = series.map(([m, pts]) => `${m} ${formatKb(pts[pts.length - 1]!.kb)}`).join(', ');

  return (
    <figure className="memory-chart" data-samples={run.samples.length}>
      <div className="chart-box" ref={box}>
        {run.samples.length === 0 ? (
          <p className="lens-empty chart-empty">No memory samples: they are taken while the lab runs and this lens is open.</p>
        ) : width > 0 && (
          <svg width={width} height={HEIGHT} role="img" aria-label={`Memory over ${Math.round(maxT)} s, ${run.samples.length} samples; latest: ${summary}`}>
            {yTicks.map((t) => (
              <g key={`y${t}`} className="tick">
                <line x1={PAD.left} x2={width - PAD.right} y1={y(t * 1024)} y2={y(t * 1024)} />
                <text x={PAD.left - 6} y={y(t * 1024)} dy="0.32em" textAnchor="end">{t} MiB</text>
              </g>
            ))}
            {xTicks.map((t) => (
              <text key={`x${t}`} className="tick" x={x(t)} y={HEIGHT - 6} textAnchor="middle">{t} s</text>
            ))}
            {series.map(([machine, points]) => (
              <g key={machine} className={`series series-${colorOf(machine)}`}>
                <path d={linePath(points, x, y)} />
                {points.map((p, i) => <circle key={i} cx={x(p.t)} cy={y(p.kb)} r="2.5" />)}
              </g>
            ))}
          </svg>
        )}
      </div>
      <figcaption className="chart-legend">
        {series.map(([machine]) => (
          <span key={machine} className="legend-item">
            <span className={`swatch series-${colorOf(machine)}`} aria-hidden="true" />{machine}
            <span className="num">{latest?.memKb[machine] !== undefined ? formatKb(latest.memKb[machine]) : '—'}</span>
          </span>
        ))}
        <span className="muted num legend-count">{run.samples.length} sample{run.samples.length === 1 ? '' : 's'}</span>
      </figcaption>
    </figure>
  );
}
