// Numbers as a person reads them: binary sizes (what `free -h` and Docker show), durations in
// the unit that fits, uptimes in days/hours/minutes.
const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '—';
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  // Three significant digits at most: 1.23 MiB, 12.3 MiB, 123 MiB.
  const digits = u === 0 || v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${v.toFixed(digits)} ${UNITS[u]}`;
}

export const formatKb = (kb: number): string => formatBytes(kb * 1024);

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatUptime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  const s = Math.floor(seconds);
  if (s < 60) return `${s} s`;
  const d = Math.floor(s / 86_400);
  const h = Math.floor((s % 86_400) / 3600);
  const m = Math.floor((s % 3600) / 60);
  if (d) return `${d} d ${h} h`;
  if (h) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min ${String(s % 60).padStart(2, '0')} s`;
}

/** A digest or image id as people quote it: 12 hex digits without the algorithm. */
export const shortDigest = (digest: string): string => digest.replace(/^sha256:/, '').slice(0, 12);

/** "holds 0 of the volume's 1 files": what a backup really holds, in words. */
export function holdsText(holds: number | undefined, volumeFiles: number): string {
  if (holds === undefined) return 'not compared (an archive we cannot read, or no files to look for)';
  return `holds ${holds} of the volume's ${volumeFiles} file${volumeFiles === 1 ? '' : 's'}`;
}

/** A backup holds all of the volume (ok), part of it (warn) or none of it (bad). */
export function holdsVerdict(holds: number | undefined, volumeFiles: number): 'ok' | 'partial' | 'none' | 'unknown' {
  if (holds === undefined) return 'unknown';
  if (holds === 0) return 'none';
  return holds >= volumeFiles ? 'ok' : 'partial';
}
