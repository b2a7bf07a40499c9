// Percentiles of a sample by linear interpolation between the closest ranks (the usual
// definition), so p95 of a handful of runs is still a figure between two real ones.
export function percentile(values: number[], p: number): number {
  if (!values.length) throw new Error('percentile of no values');
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export interface Summary { p50: number; p95: number; n: number }

export function summarize(values: number[]): Summary {
  return { p50: percentile(values, 50), p95: percentile(values, 95), n: values.length };
}

/** Rounds for reports: three significant digits are all the noise of this machine allows. */
export function round(n: number): number {
  if (!Number.isFinite(n) || n === 0) return n;
  const digits = Math.max(0, 2 - Math.floor(Math.log10(Math.abs(n))));
  return Number(n.toFixed(Math.min(digits, 4)));
}
