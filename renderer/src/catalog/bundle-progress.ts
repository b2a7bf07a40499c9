// A bundle load's progress in words: the phase, bytes done of all, the rate and the time left.
import type { BundleProgress } from '../../../electron/shared/api.js';
import { formatBytes } from '../lens/format.js';

const PHASES: Record<BundleProgress['phase'], string> = {
  verify: 'Checking its digests',
  load: 'Loading images into the engine',
  labs: 'Adding its labs',
};

export function phaseText(p: BundleProgress): string {
  return PHASES[p.phase];
}

export function bytesText(p: BundleProgress): string {
  const parts = [`${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)}`];
  if (p.rateBps > 0) parts.push(`${formatBytes(p.rateBps)}/s`);
  if (p.etaS !== undefined && p.doneBytes < p.totalBytes) parts.push(`about ${timeLeft(p.etaS)} left`);
  return parts.join(' · ');
}

function timeLeft(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  return s < 90 ? `${s} s` : `${Math.round(s / 60)} min`;
}
