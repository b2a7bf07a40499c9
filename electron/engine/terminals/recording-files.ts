// Where recordings live (<data dir>/recordings/<lab>-<session>-<when>/<machine>.cast) and what a
// list of them says. Ids and file names are checked against their exact shape before any path is
// made from them, so no id reaches outside the recordings folder.
import { constants, createReadStream } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { RecordingSummary } from '../../shared/api.js';
import { CAST_FILE, CAST_FILE_SHAPE, RECORDING_ID, RECORDING_ID_SHAPE } from '../../shared/ids.js';
import { dataDir } from '../paths.js';
import { RECORDING_MAX_BYTES } from './recorder.js';

type CastSummary = RecordingSummary['machines'][number];
/** A recording as its folder tells it; whether one is still being written only the host knows (`active`). */
export type StoredRecording = Omit<RecordingSummary, 'active'>;

export class RecordingNotFoundError extends Error {
  constructor(what: string) {
    super(what);
    this.name = 'RecordingNotFoundError';
  }
}

export function recordingsDir(): string {
  return path.join(dataDir(), 'recordings');
}

export function recordingId(lab: string, session: string, at: Date): string {
  const when = at.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const id = `${lab}-${session}-${when}`;
  if (!RECORDING_ID.test(id)) throw new Error(`cannot make a recording id from lab "${lab}" and session "${session}"`);
  return id;
}

/** The folder of a recording; a malformed id is refused, never joined into a path. */
export function recordingDir(id: string, root = recordingsDir()): string {
  if (!RECORDING_ID.test(id)) throw new RangeError(`"${id.slice(0, 80)}" is not a recording id (${RECORDING_ID_SHAPE})`);
  return path.join(root, id);
}

/** Every recording, newest first. A folder or file of another shape is not one: it is skipped. */
export async function listRecordings(root = recordingsDir()): Promise<StoredRecording[]> {
  const entries = await readdir(root, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return [];
    throw err;
  });
  const found = await Promise.all(entries.filter((e) => e.isDirectory() && RECORDING_ID.test(e.name)).map(async (e) => {
    const [, lab, session, when] = RECORDING_ID.exec(e.name)!;
    const files = (await readdir(path.join(root, e.name), { withFileTypes: true }))
      .filter((f) => f.isFile() && CAST_FILE.test(f.name)).map((f) => f.name).sort();
    const machines = await Promise.all(files.map((f) => summarize(path.join(root, e.name, f))));
    const startedAt = `${when!.slice(0, 4)}-${when!.slice(4, 6)}-${when!.slice(6, 8)}T${when!.slice(9, 11)}:${when!.slice(11, 13)}:${when!.slice(13, 15)}Z`;
    return { id: e.name, lab: lab!, session: session!, startedAt, machines };
  }));
  return found.sort((a, b) => b.startedAt.localeCompare(a.startedAt) || a.id.localeCompare(b.id));
}

/** One .cast file's text, within the recording limit. */
export async function readCast(id: string, file: string, root = recordingsDir()): Promise<string> {
  if (!CAST_FILE.test(file)) throw new RangeError(`"${file.slice(0, 80)}" is not a recording file (${CAST_FILE_SHAPE})`);
  const where = path.join(recordingDir(id, root), file);
  // Never through a link: what the recorder wrote is a plain file.
  const handle = await open(where, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0)).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') throw new RecordingNotFoundError(`no recording "${id}" with a file "${file}"`);
    if (err.code === 'ELOOP') throw new RecordingNotFoundError(`${where} is a link, not a recording file`);
    throw err;
  });
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new RecordingNotFoundError(`${where} is not a file`);
    if (info.size > RECORDING_MAX_BYTES) throw new RangeError(`${where} is over the recording limit of ${RECORDING_MAX_BYTES} bytes`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

/** Size, length (the last event's time) and markers of one file, read line by line. */
async function summarize(file: string): Promise<CastSummary> {
  const { size } = await stat(file);
  let duration = 0;
  const markers: CastSummary['markers'] = [];
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity });
  let first = true;
  for await (const line of lines) {
    if (first) { first = false; continue; } // the header
    const event = parseEvent(line);
    if (!event) continue;
    duration = Math.max(duration, event[0]);
    if (event[1] === 'm') markers.push({ at: event[0], label: event[2] });
  }
  return { file: path.basename(file), bytes: size, duration, markers };
}

function parseEvent(line: string): [number, string, string] | undefined {
  try {
    const e: unknown = JSON.parse(line);
    if (Array.isArray(e) && typeof e[0] === 'number' && typeof e[1] === 'string' && typeof e[2] === 'string') return [e[0], e[1], e[2]];
  } catch { /* a line cut by a crash: the rest still counts */ }
  return undefined;
}
