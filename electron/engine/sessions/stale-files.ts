// Temp files and folders that a killed process left in the data dir (a half-packed initramfs, a
// half-copied kernel, a half-unpacked bundle lab) and kernel packages it was unpacking in the
// system's temp dir. Each name carries its writer's PID (images/temp-names.ts): only those of
// processes that are gone are removed, so a second app writing the same cache is left alone.
// Also session folders whose record a killed process never wrote.
import { readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelUnpackWriter, tempWriter } from '../images/temp-names.js';
import { dataDir } from '../paths.js';

/** The caches are at most this deep in the data dir (bundles/labs/<id>.<pid>-<hex>.tmp is 3). */
const MAX_DEPTH = 3;

function running(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // alive, someone else's
  }
}

async function entries(dir: string) {
  return readdir(dir, { withFileTypes: true }).catch(() => []);
}

/** The temps of dead writers: in the data dir, and kernel unpack folders in the system's temp dir. */
export async function findStaleTemps(): Promise<string[]> {
  const stale: string[] = [];
  async function walk(dir: string, depth: number): Promise<void> {
    for (const e of await entries(dir)) {
      const pid = tempWriter(e.name);
      if (pid !== undefined) {
        if (!running(pid)) stale.push(join(dir, e.name));
      } else if (e.isDirectory() && depth < MAX_DEPTH) {
        await walk(join(dir, e.name), depth + 1);
      }
    }
  }
  await walk(dataDir(), 1);
  for (const e of await entries(tmpdir())) {
    const pid = kernelUnpackWriter(e.name);
    if (pid !== undefined && e.isDirectory() && !running(pid)) stale.push(join(tmpdir(), e.name));
  }
  return stale;
}

/**
 * Session folders without a readable record (`sessions/<id>/session.json`): a process killed
 * between making the folder and writing the record into it. `records` are the ids that have one;
 * a folder is left alone for its first minute, while its record may still be being written.
 */
export async function findTornSessionFolders(records: Set<string>, graceMs = 60_000): Promise<string[]> {
  const dir = join(dataDir(), 'sessions');
  const torn: string[] = [];
  for (const e of await entries(dir)) {
    if (!e.isDirectory() || records.has(e.name)) continue;
    const st = await stat(join(dir, e.name)).catch(() => undefined);
    if (st && Date.now() - st.mtimeMs > graceMs) torn.push(join(dir, e.name));
  }
  return torn;
}

/** Removes them; returns the errors, one line each. */
export async function removeStaleTemps(paths: string[]): Promise<string[]> {
  const errors: string[] = [];
  for (const p of paths) await rm(p, { recursive: true, force: true }).catch((err: Error) => errors.push(`temp ${p}: ${err.message}`));
  return errors;
}
