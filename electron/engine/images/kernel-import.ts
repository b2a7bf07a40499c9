// Kernel images imported (`docker import`) from files read here, so any engine will do: this
// machine's /boot and /lib/modules, Debian's kernel package for another CPU unpacked in a
// temporary folder, or (named-kernel-image.ts) a linuxkit-layout image's files in our layout.
import type Docker from 'dockerode';
import { constants } from 'node:fs';
import { access, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pack, type Header, type Pack } from 'tar-stream';
import { asNodeStream } from './build-image.js';
import { kernelUnpackPrefix } from './temp-names.js';
import type { GuestArch } from './guest-arch.js';
import { findDepmod, unpackDeb } from './guest-packages.js';
import { kernelLabels, kernelTag } from './kernel-images.js';

const run = promisify(execFile);

/** Whether this process may read `path`. */
export const readable = (path: string) => access(path, constants.R_OK).then(() => true, () => false);

/** Adds one entry to `tar`, settled once it is written. */
export const entryDone = (tar: Pack, header: Partial<Header> & { name: string }, data?: Buffer) => new Promise<void>((resolve, reject) => {
  const done = (err?: Error | null) => (err ? reject(err) : resolve());
  if (data) tar.entry(header, data, done);
  else tar.entry(header, done);
});

/**
 * Fills `tar` with /boot/vmlinuz-<version> and /lib/modules/<version>, one file at a time, read
 * from under `root` (this machine's /, or an unpacked package).
 */
async function packHostKernel(tar: Pack, version: string, root = '/'): Promise<void> {
  const mtime = new Date(0);
  for (const dir of ['boot', 'lib', 'lib/modules']) await entryDone(tar, { name: dir, type: 'directory', mode: 0o755, mtime });
  await entryDone(tar, { name: `boot/vmlinuz-${version}`, mode: 0o644, mtime }, await readFile(join(root, `boot/vmlinuz-${version}`)));
  const walk = async (rel: string): Promise<void> => {
    const full = join(root, rel);
    const st = await lstat(full);
    if (st.isSymbolicLink()) await entryDone(tar, { name: rel, type: 'symlink', linkname: await readlink(full), mode: 0o777, mtime });
    else if (st.isFile()) await entryDone(tar, { name: rel, mode: st.mode & 0o777, mtime }, await readFile(full));
    else if (st.isDirectory()) {
      await entryDone(tar, { name: rel, type: 'directory', mode: st.mode & 0o777, mtime });
      for (const name of (await readdir(full)).sort()) await walk(`${rel}/${name}`);
    }
  };
  await walk(`lib/modules/${version}`);
  tar.finalize();
}

/**
 * `docker import` as `<repo>:<tag>` of the kernel `fill` packs; the files go from here, so any
 * engine will do. A data image: it is the engine's platform whatever CPU the kernel is for (its
 * label says that). A `fill` that fails stops the import: nothing is stored.
 */
export async function importKernel(
  docker: Docker, fill: (tar: Pack) => Promise<void>, version: string, repo: string, arch: GuestArch, labels: Record<string, string> = {},
): Promise<void> {
  const tar = pack();
  const packing = fill(tar).catch((err: Error) => { tar.destroy(err); throw err; });
  const changes = Object.entries({ ...kernelLabels(arch, version), ...labels }).map(([k, v]) => `LABEL ${k}=${v}`);
  const imported = docker.importImage(asNodeStream(tar), { repo, tag: kernelTag(version, arch), changes }).then((stream) =>
    new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err, out: Array<{ error?: string }>) => {
        const failure = err ?? out?.find((o) => o.error)?.error;
        return failure ? reject(new Error(String(failure))) : resolve();
      }))).catch((err: Error) => { tar.destroy(err); throw err; }); // stops the packing too
  await Promise.all([packing, imported]);
}

/** Imports a kernel read from under `root` (this machine's, by default). */
export const importHostKernel = (docker: Docker, version: string, repo: string, arch: GuestArch, root = '/') =>
  importKernel(docker, (tar) => packHostKernel(tar, version, root), version, repo, arch);

export async function importPackageKernel(docker: Docker, deb: string, version: string, repo: string, arch: GuestArch): Promise<void> {
  const depmod = await findDepmod();
  if (!depmod) throw new Error('depmod (kmod), which writes the modules.dep a package\'s install would, is not installed');
  const dir = await mkdtemp(kernelUnpackPrefix()); // its PID in the name: gc removes it if this process is killed
  try {
    await unpackDeb(deb, dir);
    if (!(await readable(join(dir, 'boot', `vmlinuz-${version}`)))) throw new Error(`${deb} has no /boot/vmlinuz-${version}`);
    // Debian moved the modules to /usr/lib/modules in trixie; the image keeps /lib/modules.
    const modulesFrom = (await readable(join(dir, 'lib', 'modules', version))) ? `lib/modules/${version}` : `usr/lib/modules/${version}`;
    if (modulesFrom.startsWith('usr/')) {
      await mkdir(join(dir, 'lib', 'modules'), { recursive: true });
      await rename(join(dir, modulesFrom), join(dir, 'lib', 'modules', version));
    }
    await run(depmod, ['-b', dir, version], { maxBuffer: 1 << 20 });
    await importHostKernel(docker, version, repo, arch, dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
