// The human tables of `labvisor lens images` and `lens volumes`: lines for stdout, built from the
// same objects the app's API returns (electron/shared/api.ts), kept apart from the command so a
// unit test can pin them without an engine.
import type { ImageLens, VolumeLens } from '../shared/api.js';

/** Bytes in decimal units, as docker prints them: `512 B`, `4.1 kB`, `73.2 MB`. */
export function size(bytes: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let u = 0;
  while (n >= 1000 && u < units.length - 1) { n /= 1000; u++; }
  return u === 0 ? `${n} B` : `${n.toFixed(n < 10 ? 2 : 1)} ${units[u]}`;
}

/** A Dockerfile line on one line of a table, cut at `max` characters (the JSON has it whole). */
const oneLine = (text: string, max = 100) => {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
};

/** Pads each column of `rows` to its widest cell; `right` names the columns aligned right. */
function table(rows: string[][], right: ReadonlySet<number> = new Set()): string[] {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => (right.has(i) ? cell.padStart(widths[i]!) : i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  '));
}

/** A table of the session's images, then each image's layers, oldest first as its Dockerfile reads. */
export function imageLines({ images }: ImageLens): string[] {
  if (!images.length) return ['This session has no images on the engine.'];
  const lines = table([
    ['IMAGE', 'ID', 'SIZE', 'LAYERS', 'CREATED'],
    ...images.map((i) => [i.ref, i.id.replace(/^sha256:/, '').slice(0, 12), size(i.sizeBytes), String(i.layers.length), i.created]),
  ], new Set([2, 3]));
  for (const i of images) {
    lines.push('', `Layers of ${i.ref} (oldest first):`);
    lines.push(...table([
      ['SIZE', 'LAYER', 'CREATED BY'],
      ...i.layers.map((l) => [size(l.sizeBytes), l.digest ? l.digest.replace(/^sha256:/, '').slice(0, 12) : '-', oneLine(l.createdBy)]),
    ], new Set([0])).map((l) => `  ${l}`));
  }
  return lines;
}

/** One volume: its files with their sizes, then the backups taken of it in the lab's other volumes. */
export function volumeLines(v: VolumeLens): string[] {
  if (!v.exists) return [`${v.volume} (${v.dockerName}): not on the engine (not made yet, or removed)`];
  const lines = [`${v.volume} (${v.dockerName}): ${v.files.length} file(s), ${size(v.totalBytes)}`];
  if (v.files.length) lines.push(...table([['SIZE', 'FILE'], ...v.files.map((f) => [size(f.sizeBytes), f.path])], new Set([0])).map((l) => `  ${l}`));
  if (!v.backups.length) return [...lines, '  no backups of it in the lab\'s other volumes'];
  lines.push(`  Backups of ${v.volume} (in the lab's other volumes):`);
  lines.push(...table([
    ['SIZE', 'MODIFIED', 'HOLDS', 'FILE'],
    // HOLDS: how many of the volume's files the archive holds; '?' when it could not be compared.
    ...v.backups.map((b) => [size(b.sizeBytes), b.modified, b.holdsVolumeFiles === undefined ? '?' : `${b.holdsVolumeFiles}/${v.files.length}`, b.file]),
  ], new Set([0, 2])).map((l) => `    ${l}`));
  return lines;
}
