// The base image of guests whose CPU is not the engine's: labvisor/base:latest-arm64 on an
// x86_64 engine (latest-amd64 the other way round). labvisor/base:latest stays the engine's own
// image, which containers run; this one is a linux/arm64 image that a VM guest is made from
// (its files become an aarch64 initramfs; nothing runs it on the engine). Offline first:
// present → made from the busybox-static package of that CPU downloaded into the package
// cache (guest-packages.ts) → from Debian's package fetched by a Debian container where a
// registry answers → an error naming what was tried and the fix.
import type Docker from 'dockerode';
import { pack } from 'tar-stream';
import { ROOTFS_DIRS, ROOTFS_FILES } from './busybox-rootfs.js';
import type { EngineInfo } from '../machines/docker-engine.js';
import { LabvisorError, reasonList } from '../errors.js';
import { LABEL } from '../labels.js';
import { noProgress, progressTask, type ProgressSink } from '../progress.js';
import { baseImagePresent, BASE_IMAGE, ensureBaseImage, pullImage, type BaseSource } from './base-image.js';
import { asNodeStream, buildFromDockerfileText } from './build-image.js';
import { busyboxApplets } from './busybox-rootfs.js';
import { debianArch, dockerPlatform, GUEST_ARCH_LABEL, isArch, vmGuestArch, type GuestArch } from './guest-arch.js';
import { appletPaths, busyboxAppletNames, findGuestDeb, pickBusyboxDeb, readDebFile } from './guest-packages.js';
import { listContainerDir, readContainerFile, withCreatedContainer } from './image-files.js';
import { DEBIAN_IMAGE } from './debian-kernel.js';

export type GuestBaseSource = BaseSource | 'package';

/** The base image of `arch` guests on `engine`: labvisor/base:latest for its own CPU, else a tag per CPU. */
export function guestBaseImage(arch: GuestArch, engine: { arch: string }): string {
  return isArch(engine.arch, arch) ? BASE_IMAGE : `labvisor/base:latest-${debianArch(arch)}`;
}

export class GuestBaseImageUnavailableError extends LabvisorError {
  constructor(ref: string, arch: GuestArch, reasons: string[]) {
    super('guest-base-image-unavailable', `The ${arch} base image ${ref} (for ${arch} VM guests) is not available and could not be made:\n${reasonList(reasons)}`, {
      fix: `on Debian or Ubuntu, sudo bash scripts/provision-debian.sh (it downloads busybox-static:${debianArch(arch)}), or connect to a registry once.`,
    });
    this.name = 'GuestBaseImageUnavailableError';
  }
}

const ELF_MACHINE: Record<GuestArch, number> = { x86_64: 62, aarch64: 183 };

/** Checks that `binary` is an ELF executable for `arch` (e_machine), without running it. */
export function checkElfMachine(binary: Buffer, arch: GuestArch, what: string): void {
  if (binary.length < 20 || binary.readUInt32BE(0) !== 0x7f454c46) throw new Error(`${what} is not an ELF binary`);
  const machine = binary[5] === 1 ? binary.readUInt16LE(18) : binary.readUInt16BE(18);
  if (machine !== ELF_MACHINE[arch]) throw new Error(`${what} is for ELF machine ${machine}, not ${arch}`);
}

/** A root filesystem (tar) of a busybox and a link per applet at `applets` ("bin/sh", "usr/bin/awk"). */
export async function busyboxRootfsTar(busybox: Buffer, applets: string[]): Promise<Buffer> {
  const tar = pack();
  const mtime = new Date(0);
  for (const [name, mode] of ROOTFS_DIRS) tar.entry({ name, type: 'directory', mode, mtime });
  tar.entry({ name: 'bin/busybox', mode: 0o755, mtime }, busybox);
  for (const [name, text] of Object.entries(ROOTFS_FILES)) tar.entry({ name, mode: 0o644, mtime }, text);
  for (const applet of new Set(applets)) {
    if (applet === 'bin/busybox' || !applet.includes('/')) continue; // "linuxrc" at the root: not in a base image
    tar.entry({ name: applet, type: 'symlink', linkname: '/bin/busybox', mode: 0o777, mtime });
  }
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `--list-full` of a busybox that runs here, which places the applets as this machine's base image does; '' if none. */
async function hostAppletList(): Promise<string> {
  for (const path of [process.env.LABVISOR_BUSYBOX, '/bin/busybox', '/usr/bin/busybox'].filter(Boolean) as string[]) {
    const list = await busyboxApplets(path).catch(() => undefined);
    if (list?.length) return list.join('\n');
  }
  return '';
}

/** The Dockerfile of the image, built for `platform`: the rootfs and a shell. */
export function guestBaseDockerfile(): string {
  return [
    'FROM scratch',
    'ADD rootfs.tar /',
    'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    'CMD ["/bin/sh"]',
    '',
  ].join('\n');
}

/** Builds `ref` for `arch` from a busybox of that CPU: the build's platform says the image's architecture. */
async function buildGuestBase(
  docker: Docker, ref: string, arch: GuestArch, busybox: Buffer, hostList: string, madeFrom: string, sink: ProgressSink,
): Promise<void> {
  checkElfMachine(busybox, arch, madeFrom);
  const rootfs = await busyboxRootfsTar(busybox, appletPaths(busyboxAppletNames(busybox), hostList));
  const tar = pack();
  tar.entry({ name: 'Dockerfile', mtime: new Date(0) }, guestBaseDockerfile());
  tar.entry({ name: 'rootfs.tar', mtime: new Date(0) }, rootfs);
  tar.finalize();
  const labels = { [LABEL.role]: 'base', [GUEST_ARCH_LABEL]: arch, 'io.labvisor.made-from': madeFrom };
  // `docker import` ignores its platform on Docker 20.10 (the image says amd64); a build's is kept.
  const stream = await docker.buildImage(asNodeStream(tar), { t: ref, labels, platform: dockerPlatform(arch), rm: true, forcerm: true, pull: false });
  const task = progressTask(sink, `image ${ref}`);
  await new Promise<void>((resolve, reject) => {
    docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve()), (msg: { error?: string; errorDetail?: { message?: string } }) => {
      if (msg.error) reject(new Error(msg.errorDetail?.message ?? msg.error));
    });
  }).catch((err: Error) => { task.failed('build failed'); throw new Error(`building ${ref}: ${err.message}`); });
  task.done('built');
}

/**
 * For a registry: a Debian container of the engine's CPU downloads busybox-static of `arch`
 * (dpkg --add-architecture; apt-get download never installs it) and its own busybox-static
 * lists where the applets go. The image is read, not run, and removed.
 */
export function guestBusyboxDockerfile(arch: GuestArch): string {
  const deb = debianArch(arch);
  return [
    `FROM ${DEBIAN_IMAGE}`,
    `RUN dpkg --add-architecture ${deb} && apt-get update \\`,
    ' && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends busybox-static \\',
    ` && mkdir -p /guest/deb && cd /guest/deb && apt-get download busybox-static:${deb} \\`,
    ' && dpkg-deb -x busybox-static_*.deb /guest/x && mv /guest/x/bin/busybox /guest/busybox \\',
    ' && busybox --list-full > /guest/applets && rm -rf /guest/x /guest/deb /var/lib/apt/lists/*',
    '',
  ].join('\n');
}

async function fromRegistry(docker: Docker, ref: string, arch: GuestArch, sink: ProgressSink): Promise<void> {
  await pullImage(docker, DEBIAN_IMAGE, 30_000);
  const helper = `${ref.replace(/:.*$/, '')}-building:${debianArch(arch)}`;
  await buildFromDockerfileText(docker, guestBusyboxDockerfile(arch), helper, { [LABEL.role]: 'helper' }, sink);
  try {
    const { busybox, list } = await withCreatedContainer(docker, helper, async (c) => {
      if (!(await listContainerDir(c, '/guest')).includes('busybox')) throw new Error('the Debian helper image has no /guest/busybox');
      return { busybox: await readContainerFile(c, '/guest/busybox'), list: (await readContainerFile(c, '/guest/applets')).toString() };
    });
    await buildGuestBase(docker, ref, arch, busybox, list, `busybox-static:${debianArch(arch)} from ${DEBIAN_IMAGE.split('@')[0]}`, sink);
  } finally {
    await docker.getImage(helper).remove({ force: true }).catch(() => {});
  }
}

async function presentFor(docker: Docker, ref: string, arch: GuestArch): Promise<boolean> {
  const image = await docker.getImage(ref).inspect().catch(() => undefined);
  return !!image && isArch(image.Architecture, arch);
}

/**
 * Makes sure the base image of `arch` guests exists (`ref` in tests): the engine's own
 * labvisor/base for its own CPU (base-image.ts), else one made as said above.
 */
export async function ensureGuestBaseImage(
  docker: Docker, engine: EngineInfo, arch: GuestArch = vmGuestArch(engine), sink: ProgressSink = noProgress,
  ref = guestBaseImage(arch, engine),
): Promise<GuestBaseSource> {
  if (isArch(engine.arch, arch)) return ensureBaseImage(docker, engine, sink, ref);
  if (await presentFor(docker, ref, arch)) return 'present';
  const task = progressTask(sink, `${arch} base image`);
  const reasons: string[] = [];
  if (await baseImagePresent(docker, ref)) reasons.push(`${ref} exists but is not a ${arch} image: it is made again`);
  const local = await findGuestDeb(arch, 'busybox-static', pickBusyboxDeb);
  if (local.deb) {
    task.update(`making it from ${local.deb.file}`);
    try {
      const busybox = await readDebFile(local.deb.path, './bin/busybox');
      await buildGuestBase(docker, ref, arch, busybox, await hostAppletList(), local.deb.file, sink);
      task.done(`made from ${local.deb.file}`);
      return 'package';
    } catch (err) {
      reasons.push(`package: ${(err as Error).message}`);
    }
  } else {
    reasons.push(`package: ${local.why}`);
  }
  if (process.env.LABVISOR_OFFLINE !== '1') {
    task.update(`fetching busybox-static:${debianArch(arch)} with Debian`);
    try {
      await fromRegistry(docker, ref, arch, sink);
      task.done('made from Debian\'s package');
      return 'registry';
    } catch (err) {
      reasons.push(`registry: ${(err as Error).message}`);
    }
  } else {
    reasons.push('registry: skipped (LABVISOR_OFFLINE=1)');
  }
  task.failed(`no source for the ${arch} base image`);
  throw new GuestBaseImageUnavailableError(ref, arch, reasons);
}
