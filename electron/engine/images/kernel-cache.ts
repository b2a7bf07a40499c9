// The guest kernel unpacked in the data dir, one folder per kernel image: vmlinuz, only the
// modules a guest loads (with modules.dep and modules.builtin), and a manifest that ties them
// to the image they came from, so a changed image or a damaged file is unpacked again.
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { access, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { readContainerFile, withCreatedContainer } from './image-files.js';
import { GUEST_MODULES, modulesInLoadOrder } from './modules-dep.js';
import { diskFullError, isDiskFull } from './disk-full.js';
import { tempPath } from './temp-names.js';
import type { GuestArch } from './guest-arch.js';
import type { GuestKernel, KernelSource } from './guest-kernel.js';
import type { KernelImage } from './kernel-images.js';

interface Manifest { version: string; imageId: string; sha256: string; modules: string[] }

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

function kernelAt(dir: string, m: Manifest, source: KernelSource, image: KernelImage, arch: GuestArch): GuestKernel {
  return {
    version: m.version, vmlinuz: join(dir, 'vmlinuz'), modulesDir: join(dir, 'lib', 'modules', m.version), sha256: m.sha256, source,
    arch, image: image.ref,
  };
}

/** The cached kernel of `image`, if its manifest is for that image and its files are intact. */
export async function cachedKernel(dir: string, image: KernelImage, source: KernelSource, arch: GuestArch): Promise<GuestKernel | undefined> {
  try {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    if (m.imageId !== image.id || m.version !== image.version || (await sha256(join(dir, 'vmlinuz'))) !== m.sha256) return undefined;
    for (const rel of ['modules.dep', ...m.modules]) await access(join(dir, 'lib', 'modules', m.version, rel));
    // Unpacked for another list of guest modules (an older Labvisor's): unpack again.
    const lib = join(dir, 'lib', 'modules', m.version);
    const builtin = await readFile(join(lib, 'modules.builtin'), 'utf8').catch(() => '');
    if (modulesInLoadOrder(await readFile(join(lib, 'modules.dep'), 'utf8'), GUEST_MODULES, builtin).join('\n') !== m.modules.join('\n')) return undefined;
    return kernelAt(dir, m, source, image, arch);
  } catch {
    return undefined;
  }
}

/** Copies vmlinuz and the guest's modules out of the image into the cache, replacing what was there. */
export async function unpackKernel(docker: Docker, image: KernelImage, dir: string, source: KernelSource, arch: GuestArch): Promise<GuestKernel> {
  await mkdir(dirname(dir), { recursive: true });
  const tmp = tempPath(dir); // its PID in the name: gc removes it if this process is killed
  await mkdir(tmp);
  try {
    const lib = `/lib/modules/${image.version}`;
    const modules = await withCreatedContainer(docker, image.ref, async (c) => {
      const vmlinuz = await readContainerFile(c, `/boot/vmlinuz-${image.version}`).catch((err: Error) => {
        throw new Error(`${image.ref} has no /boot/vmlinuz-${image.version}: ${err.message}`);
      });
      await writeFile(join(tmp, 'vmlinuz'), vmlinuz);
      const dep = await readContainerFile(c, `${lib}/modules.dep`);
      const builtin = await readContainerFile(c, `${lib}/modules.builtin`).catch(() => Buffer.alloc(0));
      const wanted = modulesInLoadOrder(dep.toString(), GUEST_MODULES, builtin.toString());
      const files = new Map([['modules.dep', dep], ['modules.builtin', builtin]]);
      for (const rel of wanted) files.set(rel, await readContainerFile(c, `${lib}/${rel}`));
      for (const [rel, data] of files) {
        await mkdir(dirname(join(tmp, lib, rel)), { recursive: true });
        await writeFile(join(tmp, lib, rel), data);
      }
      return wanted;
    });
    const manifest: Manifest = { version: image.version, imageId: image.id, sha256: await sha256(join(tmp, 'vmlinuz')), modules };
    await writeFile(join(tmp, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return kernelAt(dir, manifest, source, image, arch);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    // Another process may have unpacked the same kernel meanwhile.
    const theirs = await cachedKernel(dir, image, source, arch);
    if (theirs) return theirs;
    if (isDiskFull(err)) throw await diskFullError(err, dirname(dir), `the guest kernel ${image.version} (from ${image.ref})`);
    throw err;
  }
}
