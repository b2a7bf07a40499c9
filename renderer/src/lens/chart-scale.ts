// Scales for the footprint charts, drawn as plain SVG: "nice" axis ticks, linear maps from data
// to pixels, a polyline path per machine, and phase segments. Two runs shown side by side share
// their scales, so a longer bar or a higher line really means more.
import type { FootprintLens } from '../../../electron/shared/api.js';

export type FootprintRun = FootprintLens['runs'][number];

/** Ticks at 1, 2 or 5 × 10^n covering [0, max]; the last tick is the axis' top. */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = 0; v < max + step / 2 && ticks.length <= count + 1; v += step) ticks.push(Number(v.toPrecision(12)));
  if (ticks[ticks.length - 1]! < max) ticks.push(Number((ticks[ticks.length - 1]! + step).toPrecision(12)));
  return ticks;
}

/** A linear map from [d0, d1] to [r0, r1]; a zero-width domain maps to r0. */
export function linear(d0: number, d1: number, r0: number, r1: number): (v: number) => number {
  const span = d1 - d0;
  return (v) => (span === 0 ? r0 : r0 + ((v - d0) / span) * (r1 - r0));
}

export interface SeriesPoint { t: number; kb: number }

/** Memory per machine as points of seconds since the run's first sample. */
export function memorySeries(run: FootprintRun): Map<string, SeriesPoint[]> {
  const t0 = run.samples.length ? Date.parse(run.samples[0]!.at) : 0;
  const series = new Map<string, SeriesPoint[]>();
  for (const s of run.samples) {
    const t = (Date.parse(s.at) - t0) / 1000;
    for (const [machine, kb] of Object.entries(s.memKb)) series.set(machine, [...(series.get(machine) ?? []), { t, kb }]);
  }
  return series;
}

/** The extent both charts of a comparison share: the longest time and the highest memory. */
export function sharedExtent(runs: readonly FootprintRun[]): { maxT: number; maxKb: number; maxMs: number } {
  let maxT = 0;
  let maxKb = 0;
  let maxMs = 0;
  for (const run of runs) {
    for (const points of memorySeries(run).values()) {
      for (const p of points) {
        maxT = Math.max(maxT, p.t);
        maxKb = Math.max(maxKb, p.kb);
      }
    }
    for (const m of run.machines) maxMs = Math.max(maxMs, m.readyMs, ...m.phases.map((p) => p.atMs));
  }
  return { maxT, maxKb, maxMs };
}

/** An SVG path through the points (M then L), coordinates rounded to a tenth of a pixel. */
export function linePath(points: readonly SeriesPoint[], x: (t: number) => number, y: (kb: number) => number): string {
  return points.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.kb).toFixed(1)}`).join(' ');
}

export interface PhaseSegment { phase: string; fromMs: number; toMs: number }

/** A machine's phases as consecutive segments from its start: each ends where its phase ended. */
export function phaseSegments(phases: readonly { phase: string; atMs: number }[]): PhaseSegment[] {
  const sorted = [...phases].sort((a, b) => a.atMs - b.atMs);
  return sorted.map((p, i) => ({ phase: p.phase, fromMs: i ? sorted[i - 1]!.atMs : 0, toMs: p.atMs }));
}

/** The runs to compare: this lab's, newest first; the default partner is the newest other run with data. */
export function runsOfLab(runs: readonly FootprintRun[], lab: string): FootprintRun[] {
  return runs.filter((r) => r.lab === lab).sort((a, b) => b.startedAt.localeCompare(a.startedAt));
}

export function defaultPartner(runs: readonly FootprintRun[], current: string | undefined): FootprintRun | undefined {
  return runs.find((r) => r.session !== current && r.machines.some((m) => m.readyMs > 0));
}
