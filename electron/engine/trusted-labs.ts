// The learner's trust decisions and opened lab folders, kept in the user's data folder. Trust is
// remembered per folder *and* content hash: an edited lab is a different program and asks again.
// Files are replaced atomically and readable by the user only.
import { createHash } from 'node:crypto';
import { lstat, mkdir, readFile, readdir, readlink, rename, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { dataDir } from './paths.js';

/** More than any lab needs; past it a folder is not a lab (a home folder opened by mistake). */
const MAX_FILES = 5000;
const MAX_BYTES = 256 * 1024 * 1024;

/**
 * A hash of everything in the lab folder: each entry's path, type, mode and content (a symlink's
 * target, never followed). Any change to what could run changes it.
 */
export async function labContentHash(dir: string): Promise<string> {
  const h = createHash('sha256').update('labvisor-lab-v1\0');
  let files = 0;
  let bytes = 0;
  const walk = async (current: string): Promise<void> => {
    for (const name of (await readdir(current)).sort()) {
      const full = join(current, name);
      const rel = relative(dir, full).split(sep).join('/');
      const st = await lstat(full);
      if (++files > MAX_FILES) throw new Error(`${dir} holds more than ${MAX_FILES} files: is it really a lab folder?`);
      if (st.isSymbolicLink()) h.update(`L\0${rel}\0${await readlink(full)}\0`);
      else if (st.isDirectory()) {
        h.update(`D\0${rel}\0`);
        await walk(full);
      } else if (st.isFile()) {
        bytes += st.size;
        if (bytes > MAX_BYTES) throw new Error(`${dir} holds more than ${MAX_BYTES >> 20} MiB: is it really a lab folder?`);
        const data = await readFile(full);
        h.update(`F\0${rel}\0${st.mode & 0o777}\0${data.length}\0`).update(data);
      }
    }
  };
  await walk(dir);
  return h.digest('hex');
}

interface Store { trusted: Record<string, string>; opened: string[] }

const storeFile = () => join(dataDir(), 'trusted-labs.json');

async function readStore(): Promise<Store> {
  try {
    const raw = JSON.parse(await readFile(storeFile(), 'utf8')) as Partial<Store>;
    const trusted = raw.trusted && typeof raw.trusted === 'object'
      ? Object.fromEntries(Object.entries(raw.trusted).filter(([, v]) => typeof v === 'string' && /^[0-9a-f]{64}$/.test(v)))
      : {};
    const opened = Array.isArray(raw.opened) ? raw.opened.filter((p): p is string => typeof p === 'string') : [];
    return { trusted, opened };
  } catch {
    return { trusted: {}, opened: [] }; // none yet, or damaged: nothing is trusted
  }
}

async function writeStore(store: Store): Promise<void> {
  await mkdir(dataDir(), { recursive: true });
  const tmp = `${storeFile()}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(store, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, storeFile());
}

/** Whether the learner trusted the lab in `dir` (a real path) with exactly this content. */
export async function isTrusted(dir: string, hash: string): Promise<boolean> {
  return (await readStore()).trusted[dir] === hash;
}

export async function rememberTrust(dir: string, hash: string): Promise<void> {
  const store = await readStore();
  store.trusted[dir] = hash;
  await writeStore(store);
}

/** The lab folders the learner opened in the app, in the order opened. */
export async function openedFolders(): Promise<string[]> {
  return (await readStore()).opened;
}

export async function setOpened(dir: string, open: boolean): Promise<void> {
  const store = await readStore();
  store.opened = store.opened.filter((d) => d !== dir);
  if (open) store.opened.push(dir);
  await writeStore(store);
}
