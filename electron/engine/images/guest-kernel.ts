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
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rename, rm, writeFile } from 'node:fs/promises';
import { arch as hostArch } from 'node:os';
import { dirname, join } from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { pack, type Header, type Pack } from 'tar-stream';
import type { EngineInfo } from '../machines/docker-engine.js';
import { LabvisorError, reasonList } from '../errors.js';
import { LABEL } from '../labels.js';
import { dataDir } from '../paths.js';
import { noProgress, progressTask, type ProgressSink } from '../progress.js';
import { pullImage } from './base-image.js';
import { asNodeStream, buildFromDockerfileText } from './build-image.js';
import { listContainerDir, readContainerFile, withCreatedContainer } from './image-files.js';
import { GUEST_MODULES, modulesInLoadOrder } from './modules-dep.js';
import { checkKernelArch, kernelLayout, LAYOUT_PATHS, ourLayoutEntries, presentPaths, readLinuxkitKernel } from './linuxkit-kernel.js';
import { sameArch } from './static-binary.js';
import { diskFullError, isDiskFull } from './disk-full.js';
import { kernelUnpackPrefix, tempPath } from './temp-names.js';
import { debianArch, GUEST_ARCH_LABEL, isArch, normalArch, vmGuestArch, type GuestArch } from './guest-arch.js';
import { findDepmod, findGuestDeb, pickKernelDeb, unpackDeb } from './guest-packages.js';

export const KERNEL_REPO = 'labvisor/kernel';
/**
 * package: Debian's kernel package for another CPU, downloaded into the package cache;
 * linuxkit: the image LABVISOR_KERNEL_IMAGE names, in linuxkit's layout, stored in ours.
 */
export type KernelSource = 'present' | 'registry' | 'host' | 'bundle' | 'package' | 'linuxkit';

/** The kernel release an image holds (its tag may add the architecture). */
export const KERNEL_VERSION_LABEL = 'io.labvisor.kernel-version';

/** On a kernel stored from a linuxkit-layout image: that image's id, so the next session finds it. */
export const KERNEL_FROM_LABEL = 'io.labvisor.kernel-from';

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

const SOURCES_FIX = 'on Debian or Ubuntu, sudo apt-get install linux-image-cloud-amd64 (arm64: linux-image-cloud-arm64;' +
  ' for aarch64 guests on another machine, sudo bash scripts/provision-debian.sh downloads Debian\'s arm64 kernel);' +
  ' on other systems, connect to a registry once so the kernel can be built from Debian\'s.';

export class GuestKernelUnavailableError extends LabvisorError {
  constructor(reasons: string[], fix = SOURCES_FIX) {
    super('guest-kernel-unavailable', `No kernel to boot VM machines with could be found or made:\n${reasonList(reasons)}`, { fix });
    this.name = 'GuestKernelUnavailableError';
  }
}

const KERNEL_LABELS = { [LABEL.role]: 'kernel' };

const kernelLabels = (arch: GuestArch, version?: string): Record<string, string> =>
  ({ ...KERNEL_LABELS, [GUEST_ARCH_LABEL]: arch, ...(version ? { [KERNEL_VERSION_LABEL]: version } : {}) });

/**
 * The tag of a kernel image: the version for x86_64 (as always); for aarch64 the version with
 * -arm64, unless it says arm64 already, so one engine can hold both without a mix-up.
 */
export function kernelTag(version: string, arch: GuestArch): string {
  if (arch === 'x86_64' || /(^|[-_.])(arm64|aarch64)$/.test(version)) return version;
  return `${version}-${debianArch(arch)}`;
}

const run = promisify(execFile);

/**
 * The Debian the kernel is installed in: a dated tag and its multi-arch index digest, so a
 * re-pointed tag cannot change what builds the guest kernel. Found offline (2026-11, no
 * registry reachable) by public code search: three unrelated projects pin this same tag and
 * digest, and another lists it as the manifest-list digest `docker buildx imagetools inspect`
 * gave for bookworm-slim. To update: pick the newest debian:bookworm-YYYYMMDD-slim on Docker
 * Hub, `docker buildx imagetools inspect` it and take its top `Digest:`.
 */
export const DEBIAN_IMAGE = 'debian:bookworm-20260824-slim@sha256:88200866dfff7ea7f5cbcb6ec7c8a701889efe6fe859fe64d6990e4b07ea4171';

export interface KernelImage { ref: string; id: string; version: string; tag: string }

/**
 * The newest `<repo>:<tag>` kernel image for `arch` (with the labels `also`, `key=value`). An image
 * without the architecture label was made before there was a choice: for the engine's CPU, and
 * its tag is its version.
 */
export async function newestKernelImage(
  docker: Docker, repo: string, arch: GuestArch, engineArch: string, also: string[] = [],
): Promise<KernelImage | undefined> {
  const images = await docker.listImages({ filters: { reference: [repo], label: [`${LABEL.role}=kernel`, ...also] } });
  for (const image of images.sort((a, b) => b.Created - a.Created)) {
    const labelled = image.Labels?.[GUEST_ARCH_LABEL];
    if (labelled ? normalArch(labelled) !== arch : !isArch(engineArch, arch)) continue;
    const ref = image.RepoTags?.find((t) => t.startsWith(`${repo}:`));
    if (!ref) continue;
    const tag = ref.slice(repo.length + 1);
    return { ref, id: image.Id, tag, version: image.Labels?.[KERNEL_VERSION_LABEL] || tag };
  }
  return undefined;
}

function debianKernelDockerfile(engineArch: string): string {
  const pkg = sameArch(engineArch, 'aarch64') ? 'linux-image-cloud-arm64' : 'linux-image-cloud-amd64';
  return [
    `FROM ${DEBIAN_IMAGE} AS debian`,
    `RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${pkg}`,
    'FROM scratch',
    'COPY --from=debian /boot/vmlinuz-* /boot/',
    'COPY --from=debian /lib/modules/ /lib/modules/',
    '',
  ].join('\n');
}

/**
 * Debian's cloud kernel of another CPU, made by a Debian container of the engine's CPU: the
 * package is downloaded (dpkg --add-architecture; apt-get download) and unpacked, never
 * installed, and depmod writes the modules.dep its postinst would have written.
 */
export function crossKernelDockerfile(arch: GuestArch): string {
  const deb = debianArch(arch);
  return [
    `FROM ${DEBIAN_IMAGE} AS debian`,
    `RUN dpkg --add-architecture ${deb} && apt-get update \\`,
    ' && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends kmod \\',
    ` && pkg=$(apt-cache depends linux-image-cloud-${deb}:${deb} | sed -n 's/^ *Depends: \\(linux-image-[^<>]*\\)$/\\1/p' | head -n 1) \\`,
    ' && mkdir -p /deb /k && cd /deb && apt-get download "$pkg" \\',
    ' && dpkg-deb -x /deb/linux-image-*.deb /k && if [ -d /k/usr/lib/modules ]; then mkdir -p /k/lib && mv /k/usr/lib/modules /k/lib/; fi \\',
    ' && depmod -b /k "$(ls /k/lib/modules)"',
    'FROM scratch',
    'COPY --from=debian /k/boot/vmlinuz-* /boot/',
    'COPY --from=debian /k/lib/modules/ /lib/modules/',
    '',
  ].join('\n');
}

/** The Dockerfile that makes an `arch` kernel on an engine of `engineArch` where a registry answers. */
export function kernelDockerfile(arch: GuestArch, engineArch: string): string {
  return isArch(engineArch, arch) ? debianKernelDockerfile(arch) : crossKernelDockerfile(arch);
}

/** Builds the kernel image from Debian's cloud kernel package as `<repo>:<tag>`. */
async function buildDebianKernel(docker: Docker, engine: EngineInfo, repo: string, arch: GuestArch, sink: ProgressSink): Promise<void> {
  await pullImage(docker, DEBIAN_IMAGE, 30_000);
  // Built under another name until its version is known, so it never passes for a kernel.
  const building = `${repo}-building:${debianArch(arch)}`;
  await buildFromDockerfileText(docker, kernelDockerfile(arch, engine.arch), building, { [LABEL.role]: 'helper' }, sink);
  try {
    // The version is only known once apt has chosen the package.
    const boot = await withCreatedContainer(docker, building, (c) => listContainerDir(c, '/boot'));
    const vmlinuz = boot.find((name) => name.startsWith('vmlinuz-'));
    if (!vmlinuz) throw new Error(`the built image has no /boot/vmlinuz-* (found: ${boot.join(', ') || 'nothing'})`);
    const version = vmlinuz.slice('vmlinuz-'.length);
    // The labels of the final image: the version is only known now.
    await buildFromDockerfileText(docker, `FROM ${building}\n`, `${repo}:${kernelTag(version, arch)}`, kernelLabels(arch, version), sink);
  } finally {
    await docker.getImage(building).remove().catch(() => {});
  }
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

const readable = (path: string) => access(path, constants.R_OK).then(() => true, () => false);

const entryDone = (tar: Pack, header: Partial<Header> & { name: string }, data?: Buffer) => new Promise<void>((resolve, reject) => {
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
async function importKernel(
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
const importHostKernel = (docker: Docker, version: string, repo: string, arch: GuestArch, root = '/') =>
  importKernel(docker, (tar) => packHostKernel(tar, version, root), version, repo, arch);

/** Imports Debian's kernel package `deb` (release `version`): unpacked in a temporary folder, with the modules.dep depmod writes. */
async function importPackageKernel(docker: Docker, deb: string, version: string, repo: string, arch: GuestArch): Promise<void> {
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

interface Manifest { version: string; imageId: string; sha256: string; modules: string[] }

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

function kernelAt(dir: string, m: Manifest, source: KernelSource, image: KernelImage, arch: GuestArch): GuestKernel {
  return {
    version: m.version, vmlinuz: join(dir, 'vmlinuz'), modulesDir: join(dir, 'lib', 'modules', m.version), sha256: m.sha256, source,
    arch, image: image.ref,
  };
}

/** The cached kernel of `image`, if its manifest is for that image and its files are intact. */
async function cachedKernel(dir: string, image: KernelImage, source: KernelSource, arch: GuestArch): Promise<GuestKernel | undefined> {
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
async function unpackKernel(docker: Docker, image: KernelImage, dir: string, source: KernelSource, arch: GuestArch): Promise<GuestKernel> {
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

const SETTING_FIX = 'name an image on the engine in linuxkit\'s layout (/kernel + /kernel.tar) or Labvisor\'s' +
  ' (/boot/vmlinuz-<version> + /lib/modules/<version>) with a kernel for the guests\' CPU, or unset LABVISOR_KERNEL_IMAGE for the usual sources';

/**
 * The kernel image LABVISOR_KERNEL_IMAGE names (`ref`, never pulled): in our layout, itself; in
 * linuxkit's, the `<repo>` image stored from it, made now unless an earlier session made it.
 */
async function namedKernelImage(
  docker: Docker, ref: string, repo: string, arch: GuestArch, engineArch: string, task: ReturnType<typeof progressTask>,
): Promise<{ image: KernelImage; source: KernelSource }> {
  try {
    const named = await docker.getImage(ref).inspect().catch(() => undefined);
    if (!named) throw new Error('no such image on the Docker engine (nothing is pulled: docker pull or docker load it there first)');
    const storedFrom = [`${KERNEL_FROM_LABEL}=${named.Id}`];
    const stored = await newestKernelImage(docker, repo, arch, engineArch, storedFrom);
    if (stored) return { image: stored, source: 'present' };
    return await withCreatedContainer(docker, ref, async (c) => {
      if (kernelLayout(await presentPaths(c, LAYOUT_PATHS)) === 'labvisor') {
        return { image: await asIsKernelImage(c, ref, named.Id, named.Config?.Labels ?? {}, arch), source: 'present' as const };
      }
      const kernel = await readLinuxkitKernel(c, arch);
      task.update(`storing ${ref} (linuxkit's layout) as ${repo}:${kernelTag(kernel.version, arch)}`);
      await importKernel(docker, async (tar) => {
        for await (const { header, data } of ourLayoutEntries(c, kernel)) await entryDone(tar, header, data);
        tar.finalize();
      }, kernel.version, repo, arch, { [KERNEL_FROM_LABEL]: named.Id });
      const made = await newestKernelImage(docker, repo, arch, engineArch, storedFrom);
      if (!made) throw new Error(`the ${repo} image stored from it vanished right after it was made`);
      return { image: made, source: 'linuxkit' as const };
    });
  } catch (err) {
    task.failed(`${ref} gave no kernel for ${arch} guests`);
    throw new GuestKernelUnavailableError([`LABVISOR_KERNEL_IMAGE=${ref}: ${(err as Error).message}`], SETTING_FIX);
  }
}

/** A named image in our layout: its version (label, else its one /boot/vmlinuz-*) and CPU (label, else the kernel's header). */
async function asIsKernelImage(
  c: Docker.Container, ref: string, id: string, labels: Record<string, string>, arch: GuestArch,
): Promise<KernelImage> {
  let version = labels[KERNEL_VERSION_LABEL];
  if (!version) {
    const kernels = (await listContainerDir(c, '/boot')).filter((name) => name.startsWith('vmlinuz-'));
    if (!kernels.length) throw new Error('the image has no /boot/vmlinuz-<version>');
    if (kernels.length > 1) throw new Error(`the image has several kernels (${kernels.join(', ')}) and no ${KERNEL_VERSION_LABEL} label to choose one`);
    version = kernels[0]!.slice('vmlinuz-'.length);
  }
  const labelled = labels[GUEST_ARCH_LABEL];
  if (labelled && normalArch(labelled) !== arch) throw new Error(`the image is labelled ${GUEST_ARCH_LABEL}=${labelled}, not for ${arch} guests`);
  if (!labelled) checkKernelArch(await readContainerFile(c, `/boot/vmlinuz-${version}`), arch, `/boot/vmlinuz-${version}`);
  return { ref, id, version, tag: kernelTag(version, arch) };
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
