// The kernel VM machines boot. It lives in Docker as an image labvisor/kernel:<version> (FROM
// scratch with /boot/vmlinuz-<version> and /lib/modules/<version>, as ignite does), and is
// unpacked into the data dir with only the modules a guest loads.
// Sources in order: an image already present; one built from Debian's cloud kernel when a
// registry answers; one imported from this machine's /boot and /lib/modules; else an error
// saying what was tried and how to get a kernel.
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { access, lstat, mkdir, mkdtemp, readFile, readdir, readlink, rename, rm, writeFile } from 'node:fs/promises';
import { arch as hostArch } from 'node:os';
import { dirname, join } from 'node:path';
import { pack, type Header, type Pack } from 'tar-stream';
import type { EngineInfo } from '../machines/docker-engine.js';
import { LABEL } from '../labels.js';
import { dataDir } from '../paths.js';
import { noProgress, progressTask, type ProgressSink } from '../progress.js';
import { pullImage } from './base-image.js';
import { asNodeStream, buildFromDockerfileText } from './build-image.js';
import { listContainerDir, readContainerFile, withCreatedContainer } from './image-files.js';
import { GUEST_MODULES, modulesInLoadOrder } from './modules-dep.js';
import { sameArch } from './static-binary.js';

export const KERNEL_REPO = 'labvisor/kernel';
export type KernelSource = 'present' | 'registry' | 'host' | 'bundle';

export interface GuestKernel {
  version: string;
  /** Absolute path of the kernel in the cache. */
  vmlinuz: string;
  /** Absolute path of the cached lib/modules/<version>: modules.dep and the guest's modules. */
  modulesDir: string;
  /** Of vmlinuz. */
  sha256: string;
  source: KernelSource;
}

export class GuestKernelUnavailableError extends Error {
  constructor(reasons: string[]) {
    super('No kernel to boot VM machines with could be found or made:\n' +
      reasons.map((r) => `  - ${r}`).join('\n') +
      '\nFix: on Debian or Ubuntu, sudo apt-get install linux-image-cloud-amd64 (arm64: linux-image-cloud-arm64);' +
      ' on other systems, connect to a registry once so the kernel can be built from Debian\'s.');
    this.name = 'GuestKernelUnavailableError';
  }
}

const KERNEL_LABELS = { [LABEL.role]: 'kernel' };

/**
 * The Debian the kernel is installed in: a dated tag and its multi-arch index digest, so a
 * re-pointed tag cannot change what builds the guest kernel. Found offline (2026-11, no
 * registry reachable) by public code search: three unrelated projects pin this same tag and
 * digest, and another lists it as the manifest-list digest `docker buildx imagetools inspect`
 * gave for bookworm-slim. To update: pick the newest debian:bookworm-YYYYMMDD-slim on Docker
 * Hub, `docker buildx imagetools inspect` it and take its top `Digest:`.
 */
export const DEBIAN_IMAGE = 'debian:bookworm-20260824-slim@sha256:88200866dfff7ea7f5cbcb6ec7c8a701889efe6fe859fe64d6990e4b07ea4171';

interface KernelImage { ref: string; id: string; version: string }

/** The newest `<repo>:<version>` image. */
async function newestKernelImage(docker: Docker, repo: string): Promise<KernelImage | undefined> {
  const images = await docker.listImages({ filters: { reference: [repo], label: [`${LABEL.role}=kernel`] } });
  for (const image of images.sort((a, b) => b.Created - a.Created)) {
    const ref = image.RepoTags?.find((t) => t.startsWith(`${repo}:`));
    if (ref) return { ref, id: image.Id, version: ref.slice(repo.length + 1) };
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

/** Builds the kernel image from Debian's cloud kernel package as `<repo>:<version>`. */
async function buildDebianKernel(docker: Docker, engine: EngineInfo, repo: string, sink: ProgressSink): Promise<void> {
  await pullImage(docker, DEBIAN_IMAGE, 30_000);
  // Built under another name until its version is known, so it never passes for a kernel.
  const building = `${repo}-building:latest`;
  await buildFromDockerfileText(docker, debianKernelDockerfile(engine.arch), building, KERNEL_LABELS, sink);
  try {
    // The version is only known once apt has chosen the package.
    const boot = await withCreatedContainer(docker, building, (c) => listContainerDir(c, '/boot'));
    const vmlinuz = boot.find((name) => name.startsWith('vmlinuz-'));
    if (!vmlinuz) throw new Error(`the built image has no /boot/vmlinuz-* (found: ${boot.join(', ') || 'nothing'})`);
    await docker.getImage(building).tag({ repo, tag: vmlinuz.slice('vmlinuz-'.length) });
  } finally {
    await docker.getImage(building).remove().catch(() => {});
  }
}

/** The newest kernel on this machine with its modules, usable for the engine's images, or why none. */
export async function findHostKernel(engine: EngineInfo): Promise<{ version?: string; why: string }> {
  const arch = ({ x64: 'x86_64', arm64: 'aarch64' } as Record<string, string>)[hostArch()] ?? hostArch();
  if (!sameArch(arch, engine.arch)) {
    return { why: `this machine's kernel is for ${arch}, the engine's images are for ${engine.arch}` };
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

/** Fills `tar` with /boot/vmlinuz-<version> and /lib/modules/<version>, one file at a time. */
async function packHostKernel(tar: Pack, version: string): Promise<void> {
  const mtime = new Date(0);
  for (const dir of ['boot', 'lib', 'lib/modules']) await entryDone(tar, { name: dir, type: 'directory', mode: 0o755, mtime });
  await entryDone(tar, { name: `boot/vmlinuz-${version}`, mode: 0o644, mtime }, await readFile(`/boot/vmlinuz-${version}`));
  const walk = async (rel: string): Promise<void> => {
    const full = `/${rel}`;
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

/** `docker import` of this machine's kernel as `<repo>:<version>`; the files are read here, so any engine will do. */
async function importHostKernel(docker: Docker, version: string, repo: string): Promise<void> {
  const tar = pack();
  const packing = packHostKernel(tar, version).catch((err: Error) => { tar.destroy(err); throw err; });
  const changes = Object.entries(KERNEL_LABELS).map(([k, v]) => `LABEL ${k}=${v}`);
  const imported = docker.importImage(asNodeStream(tar), { repo, tag: version, changes }).then((stream) =>
    new Promise<void>((resolve, reject) =>
      docker.modem.followProgress(stream, (err, out: Array<{ error?: string }>) => {
        const failure = err ?? out?.find((o) => o.error)?.error;
        return failure ? reject(new Error(String(failure))) : resolve();
      }))).catch((err: Error) => { tar.destroy(err); throw err; }); // stops the packing too
  await Promise.all([packing, imported]);
}

interface Manifest { version: string; imageId: string; sha256: string; modules: string[] }

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

function kernelAt(dir: string, m: Manifest, source: KernelSource): GuestKernel {
  return { version: m.version, vmlinuz: join(dir, 'vmlinuz'), modulesDir: join(dir, 'lib', 'modules', m.version), sha256: m.sha256, source };
}

/** The cached kernel of `image`, if its manifest is for that image and its files are intact. */
async function cachedKernel(dir: string, image: KernelImage, source: KernelSource): Promise<GuestKernel | undefined> {
  try {
    const m = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Manifest;
    if (m.imageId !== image.id || m.version !== image.version || (await sha256(join(dir, 'vmlinuz'))) !== m.sha256) return undefined;
    for (const rel of ['modules.dep', ...m.modules]) await access(join(dir, 'lib', 'modules', m.version, rel));
    return kernelAt(dir, m, source);
  } catch {
    return undefined;
  }
}

/** Copies vmlinuz and the guest's modules out of the image into the cache, replacing what was there. */
async function unpackKernel(docker: Docker, image: KernelImage, dir: string, source: KernelSource): Promise<GuestKernel> {
  await mkdir(dirname(dir), { recursive: true });
  const tmp = await mkdtemp(`${dir}.tmp-`);
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
    return kernelAt(dir, manifest, source);
  } catch (err) {
    await rm(tmp, { recursive: true, force: true });
    // Another process may have unpacked the same kernel meanwhile.
    const theirs = await cachedKernel(dir, image, source);
    if (theirs) return theirs;
    throw err;
  }
}

/** Makes `<repo>:<version>` from the first source that works. */
async function makeKernelImage(
  docker: Docker, engine: EngineInfo, repo: string, sink: ProgressSink, task: ReturnType<typeof progressTask>,
): Promise<KernelSource> {
  const reasons: string[] = [];
  if (process.env.LABVISOR_OFFLINE !== '1') {
    task.update('building from Debian\'s cloud kernel');
    try {
      await buildDebianKernel(docker, engine, repo, sink);
      return 'registry';
    } catch (err) {
      reasons.push(`registry: ${(err as Error).message}`);
    }
  } else {
    reasons.push('registry: skipped (LABVISOR_OFFLINE=1)');
  }
  const host = await findHostKernel(engine);
  if (host.version) {
    task.update(`importing this machine's kernel ${host.version}`);
    try {
      await importHostKernel(docker, host.version, repo);
      return 'host';
    } catch (err) {
      reasons.push(`this machine's kernel: import failed: ${(err as Error).message}`);
    }
  } else {
    reasons.push(`this machine's kernel: ${host.why}`);
  }
  task.failed('no source for the guest kernel');
  throw new GuestKernelUnavailableError(reasons);
}

/** Makes sure a guest kernel exists (as `<repo>:<version>`; tests use a throwaway repo) and is unpacked in the cache. */
export async function ensureGuestKernel(
  docker: Docker, engine: EngineInfo, sink: ProgressSink = noProgress, repo = KERNEL_REPO,
): Promise<GuestKernel> {
  const task = progressTask(sink, 'guest kernel');
  let image = await newestKernelImage(docker, repo);
  let source: KernelSource = 'present';
  if (!image) {
    source = await makeKernelImage(docker, engine, repo, sink, task);
    image = await newestKernelImage(docker, repo);
    if (!image) throw new Error(`${repo}: the ${source} kernel image vanished right after it was made`);
  }
  const dir = join(dataDir(), 'kernels', image.version);
  const cached = await cachedKernel(dir, image, source);
  if (cached) return cached;
  task.update(`unpacking ${image.version}`);
  try {
    const kernel = await unpackKernel(docker, image, dir, source);
    task.done(`${image.version} (${source})`);
    return kernel;
  } catch (err) {
    task.failed(`unpacking ${image.version} failed`);
    throw err;
  }
}
