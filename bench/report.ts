// The figures: one Metric per measured claim, the table people read and the JSON machines read.
import { round, type Summary } from './stats.js';

export interface Metric {
  id: string;
  title: string;
  unit: string;
  /** Ours, over the measured runs. */
  p50: number;
  p95: number;
  n: number;
  /** The baseline's p50 (for flood-interrupt, the absolute budget). */
  baseline: number;
  baselineP95?: number;
  /** ours / baseline at p50 (throughput: ours / baseline of MB/s, so higher is better). */
  ratio: number;
  /** What the ratio must stay at or below (`atLeast`: at or above); null: a figure to read, not a promise. */
  target: number | null;
  atLeast?: boolean;
  ok: boolean;
  /** What the baseline is, and anything a reader needs to judge the figure. */
  note: string;
  extra?: Record<string, unknown>;
}

export function ratioMetric(m: {
  id: string; title: string; unit: string; ours: Summary; base: Summary; target: number | null; atLeast?: boolean; note: string; extra?: Record<string, unknown>;
}): Metric {
  const ratio = m.ours.p50 / m.base.p50;
  return {
    id: m.id, title: m.title, unit: m.unit, p50: round(m.ours.p50), p95: round(m.ours.p95), n: m.ours.n,
    baseline: round(m.base.p50), baselineP95: round(m.base.p95), ratio: round(ratio), target: m.target,
    ...(m.atLeast ? { atLeast: true } : {}),
    ok: m.target === null || (m.atLeast ? ratio >= m.target : ratio <= m.target), note: m.note, ...(m.extra ? { extra: m.extra } : {}),
  };
}

export function table(metrics: Metric[]): string {
  const rows = [['metric', 'ours p50', 'ours p95', 'baseline', 'ratio', 'target', 'verdict']];
  for (const m of metrics) {
    rows.push([
      m.id, `${m.p50} ${m.unit}`, `${m.p95} ${m.unit}`, `${m.baseline} ${m.unit}`, `${m.ratio}×`,
      m.target === null ? '—' : `${m.atLeast ? '≥' : '≤'} ${m.target}×`, m.target === null ? 'info' : m.ok ? 'ok' : 'MISSED',
    ]);
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)].join('\n');
}
