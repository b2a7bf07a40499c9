// A bundle load's journal: which image each of the bundle's tags named before the load, written
// before the first byte reaches the engine and removed when the load ends (done or undone). A
// load killed mid-way (kill -9, a crash, a power cut) leaves its journal; the next start of the
// app, or the next load, puts the tags back as the journal says (bundle-rollback.ts).
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { currentOwner, formatOwner, ownerState, parseOwner } from '../owner.js';
import { dataDir } from '../paths.js';
import { restoreImages } from './bundle-rollback.js';
import { tempPath } from './temp-names.js';

type Ref = { ref: string; id: string };
interface Journal { owner: string; bundle: string; images: Ref[]; before: Array<[string, string | null]> }

const journalDir = () => join(dataDir(), 'bundle-loads');

/** Writes the journal of a load about to start; returns its path. */
export async function beginLoadJournal(bundle: string, images: Ref[], before: Map<string, string | undefined>): Promise<string> {
  const journal: Journal = { owner: formatOwner(currentOwner()), bundle, images, before: [...before].map(([ref, id]) => [ref, id ?? null]) };
  await mkdir(journalDir(), { recursive: true });
  const path = join(journalDir(), `${process.pid}-${randomBytes(4).toString('hex')}.json`);
  const tmp = tempPath(path);
  await writeFile(tmp, JSON.stringify(journal));
  await rename(tmp, path);
  return path;
}

export const endLoadJournal = (path: string) => rm(path, { force: true });

export interface Replayed { bundle: string; tagsRemoved: number }

/** Undoes the loads whose process is gone (journals of live loads are left alone). */
export async function undoInterruptedLoads(docker: Docker): Promise<{ undone: Replayed[]; errors: string[] }> {
  const undone: Replayed[] = [];
  const errors: string[] = [];
  const names = await readdir(journalDir()).catch(() => [] as string[]);
  for (const name of names.filter((n) => n.endsWith('.json'))) {
    const path = join(journalDir(), name);
    try {
      const j = JSON.parse(await readFile(path, 'utf8')) as Journal;
      if (ownerState(parseOwner(j.owner)) !== 'dead') continue;
      const before = new Map(j.before.map(([ref, id]) => [ref, id ?? undefined]));
      undone.push({ bundle: j.bundle, tagsRemoved: await restoreImages(docker, j.images, before) });
      await endLoadJournal(path);
    } catch (err) {
      errors.push(`bundle load journal ${path}: ${(err as Error).message}`);
    }
  }
  return { undone, errors };
}
