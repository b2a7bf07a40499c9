// The labs of a bundle: which folders `--labs` names, each lab's content hash and its folder as a
// tar payload, and on load, the folder unpacked under the data dir (only when the app does not
// already ship the same lab).
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, normalize, resolve, sep } from 'node:path';
import { extract } from 'tar-stream';
import { loadLab, type LoadedLab } from '../labs/load.js';
import { bundledLabsDir, dataDir } from '../paths.js';
import { hashContext, packContext, readContext } from './build-context.js';
import { BundleError } from './bundle-error.js';
import { diskFullError, isDiskFull } from './disk-full.js';
import { tempPath } from './temp-names.js';

/** Where loaded labs that are not the app's own go: each opens as a lab folder (trust as any). */
export const bundleLabsDir = () => join(dataDir(), 'bundles', 'labs');

/** The labs `--labs` names (bundled ids or folder paths), every bundled lab when none. */
export async function resolveLabs(names: string[] = []): Promise<LoadedLab[]> {
  const bundled = bundledLabsDir();
  const ids = (await readdir(bundled, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
  const dirs = names.length ? names : ids;
  const labs: LoadedLab[] = [];
  for (const name of dirs) {
    const dir = ids.includes(name) ? join(bundled, name) : resolve(name);
    if (!existsSync(join(dir, 'lab.yaml'))) {
      throw new BundleError(`"${name}" is neither a bundled lab (${ids.join(', ')}) nor a lab folder (no lab.yaml in ${dir})`);
    }
    const lab = await loadLab(dir);
    if (labs.some((l) => l.lab.id === lab.lab.id)) throw new BundleError(`lab "${lab.lab.id}" is named twice`);
    labs.push(lab);
  }
  return labs;
}

/** A lab folder's content: the same files, modes and bytes give the same hash. */
export async function labHash(dir: string): Promise<string> {
  return hashContext(await readContext(dir), 'labvisor-bundle-lab');
}

/** A lab folder as a tar (sorted, mtimes 0). */
export async function labTar(dir: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of packContext(await readContext(dir))) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** True when the app ships lab `id` with exactly this content (then nothing is unpacked). */
export async function isBundledLab(id: string, hash: string): Promise<boolean> {
  const dir = join(bundledLabsDir(), id);
  return existsSync(join(dir, 'lab.yaml')) && (await labHash(dir).catch(() => '')) === hash;
}

/** Unpacks a lab's tar to bundles/labs/<id>, replacing what an earlier load left there. */
export async function unpackLab(id: string, tar: Buffer): Promise<string> {
  const target = join(bundleLabsDir(), id);
  const tmp = tempPath(target); // its PID in the name: gc removes it if this process is killed
  await mkdir(tmp, { recursive: true });
  try {
    const entries = extract();
    entries.end(tar);
    for await (const entry of entries) {
      const name = normalize(entry.header.name);
      if (entry.header.type !== 'file' || isAbsolute(name) || name.split(sep)[0] === '..') {
        throw new BundleError(`lab "${id}" holds an entry that cannot be unpacked safely: ${entry.header.name}`);
      }
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      await mkdir(dirname(join(tmp, name)), { recursive: true });
      await writeFile(join(tmp, name), Buffer.concat(chunks), { mode: (entry.header.mode ?? 0o644) & 0o777 });
    }
    await rm(target, { recursive: true, force: true });
    await rename(tmp, target);
    return target;
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    if (isDiskFull(err)) throw await diskFullError(err, bundleLabsDir(), `lab "${id}" of the bundle`);
    throw err;
  }
}
