// The kernel VM machines boot. It lives in Docker as an image labvisor/kernel:<version> (FROM
// scratch with /boot/vmlinuz-<version> and /lib/modules/<version>, as ignite does), and is
// unpacked into the data dir with only the modules a guest loads.
// Sources in order: an image already present; one built from Debian's cloud kernel when a
// registry answers; one imported from this machine's /boot and /lib/modules; else an error
// saying what was tried and how to get a kernel.
// One kernel per guest architecture (guest-arch.ts): an image says its own in labels (legacy
// images without them are the engine's CPU's). aarch64 kernels are tagged <version>-arm64 unless
// the version says arm64 already (Debian's 6.1.0-56-cloud-arm64), and come first from Debian's
// arm64 cloud kernel package downloaded into the package cache (guest-packages.ts: it is
// Debian's cloud kernel, as the registry's would be, so offline goes first), then this machine's
// kernel when it is an arm64 machine, then a registry.
// LABVISOR_KERNEL_IMAGE names a kernel image on the engine instead (a workshop's, say): one in
// our layout is used as is; one in linuxkit's (/kernel + /kernel.tar) is stored in ours once.
// The parts: kernel-images.ts (names, labels, finding one), debian-kernel.ts (the registry's),
// kernel-import.ts (this machine's or a package's), named-kernel-image.ts (the setting's),
// kernel-cache.ts (the unpacked copy), guest-kernel-error.ts (none to be had).
import type Docker from 'dockerode';
import { readdir } from 'node:fs/promises';
import { arch as hostArch } from 'node:os';
import { join } from 'node:path';
import type { EngineInfo } from '../machines/docker-engine.js';
import { dataDir } from '../paths.js';
import { noProgress, progressTask, type ProgressSink } from '../progress.js';
import { withCreatedContainer } from './image-files.js';
import { kernelLayout, LAYOUT_PATHS, presentPaths } from './linuxkit-kernel.js';
import { sameArch } from './static-binary.js';
import { isArch, normalArch, vmGuestArch, type GuestArch } from './guest-arch.js';
import { findGuestDeb, pickKernelDeb } from './guest-packages.js';
import { buildDebianKernel } from './debian-kernel.js';
import { cachedKernel, unpackKernel } from './kernel-cache.js';
import { GuestKernelUnavailableError, SETTING_FIX } from './guest-kernel-error.js';
import { importHostKernel, importPackageKernel, readable } from './kernel-import.js';
import { KERNEL_FROM_LABEL, newestKernelImage, type KernelImage } from './kernel-images.js';
import { namedKernelImage } from './named-kernel-image.js';

export const KERNEL_REPO = 'labvisor/kernel';
/**
 * package: Debian's kernel package for another CPU, downloaded into the package cache;
 * linuxkit: the image LABVISOR_KERNEL_IMAGE names, in linuxkit's layout, stored in ours.
 */
export type KernelSource = 'present' | 'registry' | 'host' | 'bundle' | 'package' | 'linuxkit';

/** The image LABVISOR_KERNEL_IMAGE names, if set. */
export const kernelImageSetting = (env: NodeJS.ProcessEnv = process.env): string | undefined => env.LABVISOR_KERNEL_IMAGE?.trim() || undefined;

export interface GuestKernel {
  version: string;
  /** Absolute path of the kernel in the cache. */
  vmlinuz: string;
  /** Absolute path of the cached lib/modules/<version>: modules.dep and the guest's modules. */
  modulesDir: string;
  /** Of vmlinuz. */
  sha256: string;
  source: KernelSource;
  /** The CPU it is for. */
  arch: GuestArch;
  /** Its image: `<repo>:<tag>`. */
  image: string;
}

/** The newest kernel on this machine with its modules, usable for `guestArch` guests (the engine's CPU by default), or why none. */
export async function findHostKernel(engine: EngineInfo, guestArch: string = engine.arch): Promise<{ version?: string; why: string }> {
  const arch = normalArch(hostArch());
  if (!sameArch(arch, guestArch)) {
    return { why: isArch(engine.arch, normalArch(guestArch) as GuestArch)
      ? `this machine's kernel is for ${arch}, the engine's images are for ${engine.arch}`
      : `this machine's kernel is for ${arch}, not ${normalArch(guestArch)} guests` };
  }
  const versions = (await readdir('/boot').catch(() => [] as string[]))
    .filter((f) => f.startsWith('vmlinuz-')).map((f) => f.slice('vmlinuz-'.length))
    .sort((a, b) => b.localeCompare(a, 'en', { numeric: true }));
  if (!versions.length) return { why: 'no /boot/vmlinuz-* on this machine' };
  const seen: string[] = [];
  for (const version of versions) {
    const vmlinuz = `/boot/vmlinuz-${version}`;
    if (!(await readable(vmlinuz))) seen.push(`${vmlinuz} is not readable (some systems keep it root-only)`);
    else if (!(await readable(`/lib/modules/${version}/modules.dep`))) seen.push(`/lib/modules/${version}/modules.dep is missing`);
    else return { version, why: `${vmlinuz} with /lib/modules/${version}` };
  }
  return { why: seen.join('; ') };
}


type Attempt = { name: string; run: () => Promise<KernelSource>; skip?: string };

/** The sources of an `arch` kernel, in the order they are tried (see the top of this file). */
async function kernelSources(
  docker: Docker, engine: EngineInfo, repo: string, arch: GuestArch, sink: ProgressSink, task: ReturnType<typeof progressTask>,
): Promise<Attempt[]> {
  const registry: Attempt = {
    name: 'registry',
    skip: process.env.LABVISOR_OFFLINE === '1' ? 'skipped (LABVISOR_OFFLINE=1)' : undefined,
    run: async () => {
      task.update(`building from Debian's ${arch} cloud kernel`);
      await buildDebianKernel(docker, engine, repo, arch, sink);
      return 'registry';
    },
  };
  const host = await findHostKernel(engine, arch);
  const hostAttempt: Attempt = {
    name: 'this machine\'s kernel',
    skip: host.version ? undefined : host.why,
    run: async () => {
      task.update(`importing this machine's kernel ${host.version}`);
      await importHostKernel(docker, host.version!, repo, arch);
      return 'host';
    },
  };
  if (arch !== 'aarch64') return [registry, hostAttempt];
  const local = await findGuestDeb(arch, `${arch} cloud kernel`, pickKernelDeb);
  const packageAttempt: Attempt = {
    name: 'package',
    skip: local.deb ? undefined : local.why,
    run: async () => {
      task.update(`importing ${local.deb!.file}`);
      await importPackageKernel(docker, local.deb!.path, local.deb!.release, repo, arch);
      return 'package';
    },
  };
  return [packageAttempt, hostAttempt, registry];
}

/** Makes an `arch` kernel image in `repo` from the first source that works. */
async function makeKernelImage(
  docker: Docker, engine: EngineInfo, repo: string, arch: GuestArch, sink: ProgressSink, task: ReturnType<typeof progressTask>,
): Promise<KernelSource> {
  const reasons: string[] = [];
  for (const attempt of await kernelSources(docker, engine, repo, arch, sink, task)) {
    if (attempt.skip) {
      reasons.push(`${attempt.name}: ${attempt.skip}`);
      continue;
    }
    try {
      return await attempt.run();
    } catch (err) {
      const what = attempt.name === 'this machine\'s kernel' ? 'import failed: ' : '';
      reasons.push(`${attempt.name}: ${what}${(err as Error).message}`);
    }
  }
  task.failed(`no source for the ${arch} guest kernel`);
  throw new GuestKernelUnavailableError(reasons);
}

/**
 * What `ensureGuestKernel` would find or use for `arch` now (doctor): the image; else the first
 * source that needs no registry, and whether a registry would be tried (before it, for x86_64);
 * and why each other source is not there.
 */
export async function describeKernelImage(
  docker: Docker, engine: EngineInfo, arch: GuestArch, repo = KERNEL_REPO,
): Promise<{ image?: KernelImage; offline?: string; registry: 'first' | 'last' | 'skipped'; reasons: string[] }> {
  const image = await newestKernelImage(docker, repo, arch, engine.arch);
  const noop = progressTask(noProgress, '');
  const attempts = await kernelSources(docker, engine, repo, arch, noProgress, noop);
  const reasons = attempts.filter((a) => a.skip && a.name !== 'registry').map((a) => `${a.name}: ${a.skip}`);
  const at = attempts.findIndex((a) => a.name === 'registry');
  const registry = attempts[at]!.skip ? 'skipped' : at === 0 ? 'first' : 'last';
  const usable = attempts.find((a) => !a.skip && a.name !== 'registry');
  let offline: string | undefined;
  if (usable?.name === 'package') offline = `made from ${(await findGuestDeb(arch, `${arch} cloud kernel`, pickKernelDeb)).why}`;
  else if (usable) offline = `imported from ${(await findHostKernel(engine, arch)).why}`;
  return { ...(image ? { image } : {}), ...(offline ? { offline } : {}), registry, reasons };
}

/** What LABVISOR_KERNEL_IMAGE (`ref`) names, for doctor: on the engine or not, in which layout, stored yet. */
export async function describeKernelImageSetting(docker: Docker, ref: string, repo = KERNEL_REPO): Promise<{ ok: boolean; detail: string; fix?: string }> {
  const setting = `LABVISOR_KERNEL_IMAGE=${ref}`;
  const named = await docker.getImage(ref).inspect().catch(() => undefined);
  if (!named) return { ok: false, detail: `${setting}: no such image on the Docker engine (nothing is pulled)`, fix: `docker pull or docker load ${ref} on the engine, or ${SETTING_FIX}` };
  const stored = await docker.listImages({ filters: { reference: [repo], label: [`${KERNEL_FROM_LABEL}=${named.Id}`] } });
  const storedAs = stored.flatMap((i) => i.RepoTags ?? []).filter((t) => t.startsWith(`${repo}:`));
  if (storedAs.length) return { ok: true, detail: `${setting}: in linuxkit's layout, stored as ${storedAs.join(', ')}` };
  try {
    const layout = await withCreatedContainer(docker, ref, async (c) => kernelLayout(await presentPaths(c, LAYOUT_PATHS)));
    return { ok: true, detail: `${setting}: ${layout === 'linuxkit' ? `in linuxkit's layout, stored as ${repo}:<version> on first use` : 'in Labvisor\'s layout, used as is'}` };
  } catch (err) {
    return { ok: false, detail: `${setting}: ${(err as Error).message}`, fix: SETTING_FIX };
  }
}

/**
 * The guest CPU a kernel is made for by default: vmGuestArch's; on an engine of a CPU no guest
 * has (and nothing forced), the engine's own, so the sources say why none suits it.
 */
function defaultKernelArch(engine: EngineInfo): GuestArch {
  try {
    return vmGuestArch(engine);
  } catch (err) {
    if (process.env.LABVISOR_VM_ARCH) throw err;
    return normalArch(engine.arch) as GuestArch;
  }
}

/**
 * Makes sure a guest kernel for `arch` (LABVISOR_VM_ARCH, else the engine's CPU) exists (as
 * `<repo>:<tag>`, tests use a throwaway repo; or the image LABVISOR_KERNEL_IMAGE names) and is
 * unpacked in the cache.
 */
export async function ensureGuestKernel(
  docker: Docker, engine: EngineInfo, sink: ProgressSink = noProgress, repo = KERNEL_REPO, arch: GuestArch = defaultKernelArch(engine),
): Promise<GuestKernel> {
  const task = progressTask(sink, arch === 'aarch64' ? `${arch} guest kernel` : 'guest kernel');
  const named = kernelImageSetting();
  let image: KernelImage | undefined;
  let source: KernelSource = 'present';
  if (named) ({ image, source } = await namedKernelImage(docker, named, repo, arch, engine.arch, task));
  else image = await newestKernelImage(docker, repo, arch, engine.arch);
  if (!image) {
    source = await makeKernelImage(docker, engine, repo, arch, sink, task);
    image = await newestKernelImage(docker, repo, arch, engine.arch);
    if (!image) throw new Error(`${repo}: the ${source} ${arch} kernel image vanished right after it was made`);
  }
  const dir = join(dataDir(), 'kernels', image.tag);
  const cached = await cachedKernel(dir, image, source, arch);
  if (cached) return cached;
  task.update(`unpacking ${image.version}`);
  try {
    const kernel = await unpackKernel(docker, image, dir, source, arch);
    task.done(`${image.version} (${source})`);
    return kernel;
  } catch (err) {
    task.failed(`unpacking ${image.version} failed`);
    throw err;
  }
}
