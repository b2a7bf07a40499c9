// Packs an image's build context (its folder under images/) as a tar stream, and hashes the
// same bytes so an unchanged context reuses the image it built before.
import { createHash } from 'node:crypto';
import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { pack, type Pack } from 'tar-stream';

const MAX_CONTEXT_BYTES = 64 * 1024 * 1024;

export interface ContextFile { path: string; mode: number; data: Buffer }

/** The files of `dir`; with `within`, the folder must resolve inside it (no symlink out of a lab). */
export async function readContext(dir: string, within?: string): Promise<ContextFile[]> {
  const root = await realpath(dir);
  if (within) {
    const rel = relative(await realpath(within), root);
    if (rel === '' || rel.split(sep)[0] === '..' || isAbsolute(rel)) throw new Error(`${dir}: a build context must be a folder inside ${within}`);
  }
  const files: ContextFile[] = [];
  let total = 0;
  async function walk(current: string): Promise<void> {
    for (const name of (await readdir(current)).sort()) {
      const full = join(current, name);
      const rel = relative(root, full).split(sep).join('/');
      const st = await lstat(full);
      if (st.isSymbolicLink()) throw new Error(`${full}: symbolic links are not allowed in an image's build context`);
      if (st.isDirectory()) await walk(full);
      else if (st.isFile()) {
        total += st.size;
        if (total > MAX_CONTEXT_BYTES) throw new Error(`${dir}: build context is larger than ${MAX_CONTEXT_BYTES >> 20} MiB`);
        files.push({ path: rel, mode: st.mode & 0o777, data: await readFile(full) });
      }
    }
  }
  await walk(root);
  return files;
}

export function hashContext(files: ContextFile[], salt: string): string {
  const h = createHash('sha256').update(salt);
  for (const f of files) h.update(`${f.path}\0${f.mode}\0${f.data.length}\0`).update(f.data);
  return h.digest('hex');
}

export function packContext(files: ContextFile[]): Pack {
  const tar = pack();
  for (const f of files) tar.entry({ name: f.path, mode: f.mode, mtime: new Date(0) }, f.data);
  tar.finalize();
  return tar;
}
