// A record per live session in the data dir, so `labvisor stop ID`, gc and the next start can
// find sessions (and their host work folders) even after the runner was killed. A record is read
// as data, never trusted as a path: gc removes folders by what it says.
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataDir } from '../paths.js';
import { formatOwner, currentOwner } from '../owner.js';
import { isSessionId } from './names.js';

export interface SessionRecord {
  id: string;
  lab: string;
  labDir: string;
  owner: string;
  engine: string;
  createdAt: string;
  workdir: string;
  /** Left running on purpose (`run --keep`): gc spares it although its owner has exited. */
  kept?: boolean;
}

const sessionsDir = () => join(dataDir(), 'sessions');
const recordFile = (id: string) => join(sessionsDir(), id, 'session.json');

export function sessionWorkdir(id: string): string {
  return join(sessionsDir(), id, 'work');
}

export async function writeRecord(rec: Omit<SessionRecord, 'owner' | 'createdAt' | 'workdir'>): Promise<SessionRecord> {
  const full: SessionRecord = {
    ...rec, owner: formatOwner(currentOwner()), createdAt: new Date().toISOString(), workdir: sessionWorkdir(rec.id),
  };
  await mkdir(full.workdir, { recursive: true });
  await writeFile(recordFile(rec.id), JSON.stringify(full, null, 2));
  return full;
}

export async function markKept(id: string): Promise<void> {
  const rec = JSON.parse(await readFile(recordFile(id), 'utf8')) as SessionRecord;
  await writeFile(recordFile(id), JSON.stringify({ ...rec, kept: true }, null, 2));
}

/**
 * The records on disk. One counts only in its own folder, under a session id of the engine's
 * shape, and its work folder is where this module puts it whatever the file says: a damaged or
 * planted record (`"id": "../.."`, `"workdir": "/home/me"`) must never lead gc's rm -rf outside
 * the sessions folder. Such a folder is left to gc's torn-folder sweep, which stays inside it.
 */
export async function readRecords(): Promise<SessionRecord[]> {
  const ids = (await readdir(sessionsDir()).catch(() => [] as string[])).filter(isSessionId);
  const records = await Promise.all(ids.map(async (id) => {
    try {
      const rec = JSON.parse(await readFile(recordFile(id), 'utf8')) as SessionRecord;
      return rec.id === id ? { ...rec, workdir: sessionWorkdir(id) } : undefined;
    } catch {
      return undefined;
    }
  }));
  return records.filter((r): r is SessionRecord => r !== undefined);
}

/** Removes the record and the session's host work folder; refuses anything but a session id. */
export async function removeRecord(id: string): Promise<void> {
  if (!isSessionId(id)) throw new Error(`not a session id: ${JSON.stringify(id)}`);
  await rm(join(sessionsDir(), id), { recursive: true, force: true });
}
