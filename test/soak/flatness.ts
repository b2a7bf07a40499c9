// "Flat": what a cycle takes, the next gives back. Judged from the sample after the first cycle
// of a lab (which fills caches and warms the JIT) to the last, with slack for the noise a
// garbage-collected process shows even when it leaks nothing.
import { MAX_RUNS } from '../../electron/engine/lenses/footprint.js';
import type { CyclesReport, SeriesFigures } from './cycles.js';
import { leftoverCount } from './leftovers.js';

/**
 * Descriptors: a few may be open at the moment of a sample (a Docker API call of a poll, a
 * lens) — measured: the same count after every cycle. A leak of one per cycle shows past 4
 * after five cycles.
 */
export const FD_SLACK = 4;
/**
 * Memory: V8 grows its heap in steps and gives pages back late, so RSS wanders by tens of MiB
 * without a leak (measured: see docs/reliability.md). 48 MiB over the warmed-up figure is far
 * above that wander and far below what a leak of a session's state per cycle adds over 100.
 */
export const RSS_SLACK_KIB = 48 * 1024;

export function flatnessProblems(s: SeriesFigures): string[] {
  const problems: string[] = [];
  if (s.fds.last > s.fds.first + FD_SLACK) problems.push(`${s.lab}: open fds grew from ${s.fds.first} to ${s.fds.last} over ${s.cycles} cycles`);
  if (s.sockets.last > s.sockets.first + FD_SLACK) problems.push(`${s.lab}: open sockets grew from ${s.sockets.first} to ${s.sockets.last}`);
  if (s.rssKiB.last > s.rssKiB.first + RSS_SLACK_KIB) {
    problems.push(`${s.lab}: RSS grew from ${mib(s.rssKiB.first)} to ${mib(s.rssKiB.last)} MiB over ${s.cycles} cycles (slack ${mib(RSS_SLACK_KIB)} MiB)`);
  }
  return problems;
}

/** Nothing of the sessions is left but their footprints, which the lens keeps up to a bound. */
export function leftoverProblems(r: CyclesReport): string[] {
  return [
    ...(leftoverCount(r.leftovers) ? [`left behind: ${JSON.stringify(r.leftovers)}`] : []),
    ...(r.footprints > MAX_RUNS ? [`${r.footprints} footprint files kept, more than the lens's bound of ${MAX_RUNS}`] : []),
  ];
}

export const mib = (kib: number): number => Math.round(kib / 1024);
