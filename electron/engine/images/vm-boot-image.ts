// A VM's boot image: the runner image with the guest's kernel and initramfs added in /vm, one
// layer built once per runner, kernel and initramfs and shared by every VM booted from them.
// The files reach the engine once, as an image layer through its API (a remote engine never
// sees a path of this computer), and a VM's start is then a plain container create, with no
// upload of /vm per VM. A cache like the lab images: `gc --images` removes the unused ones.
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { posix } from 'node:path';
import { pack } from 'tar-stream';
import { LABEL } from '../labels.js';
import { RUNNER_PATHS } from '../machines/vm/qemu-args.js';
import { noProgress, type ProgressSink } from '../progress.js';
import { asNodeStream, buildImage } from './build-image.js';

export const BOOT_IMAGE_REPO = 'labvisor/vm-boot';
/** The kernel release a boot image boots, for people reading `docker images`. */
export const BOOT_KERNEL_LABEL = 'io.labvisor.boot-kernel';

export interface BootFiles {
  /** The runner image (any reference the engine resolves). */
  runner: string;
  kernel: { vmlinuz: string; sha256: string; version: string };
  /** The guest's initramfs. */
  initrd: string;
}

/** Builds of this process, by tag: VMs of one session made from the same image share one build. */
const building = new Map<string, Promise<string>>();

/** The tag of the boot image for these files, made if the engine has none. */
export async function ensureBootImage(docker: Docker, files: BootFiles, sink: ProgressSink = noProgress): Promise<string> {
  const runnerId = (await docker.getImage(files.runner).inspect()).Id;
  const initrd = createHash('sha256').update(await readFile(files.initrd)).digest('hex');
  const key = createHash('sha256').update(`${runnerId}|${files.kernel.sha256}|${initrd}`).digest('hex').slice(0, 16);
  const tag = `${BOOT_IMAGE_REPO}:${key}`;
  if (await docker.getImage(tag).inspect().then(() => true, () => false)) return tag;
  let build = building.get(tag);
  if (!build) {
    build = buildBootImage(docker, tag, runnerId, files, sink).finally(() => building.delete(tag));
    building.set(tag, build);
  }
  return build;
}

async function buildBootImage(docker: Docker, tag: string, runnerId: string, files: BootFiles, sink: ProgressSink): Promise<string> {
  const tar = pack();
  const mtime = new Date(0);
  tar.entry({ name: 'Dockerfile', mtime }, `FROM ${runnerId}\nCOPY vmlinuz initrd ${posix.dirname(RUNNER_PATHS.kernel)}/\n`);
  tar.entry({ name: 'vmlinuz', mode: 0o644, mtime }, await readFile(files.kernel.vmlinuz));
  tar.entry({ name: 'initrd', mode: 0o644, mtime }, await readFile(files.initrd));
  tar.finalize();
  await buildImage(docker, asNodeStream(tar), tag, { [LABEL.role]: 'image', [BOOT_KERNEL_LABEL]: files.kernel.version }, sink, 'VM boot image');
  return tag;
}
