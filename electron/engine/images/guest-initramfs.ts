// A VM guest made from a Docker image: the image's filesystem (exported from a created, never
// started container) plus the guest kit of build/guest (init, agent, a static busybox and the
// kernel modules init loads), packed as a gzip'd newc initramfs in the data dir. The same
// image thus runs as a container and as a VM.
import type Docker from 'dockerode';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { extract } from 'tar-stream';
import { dataDir, packageRoot } from '../paths.js';
import { noProgress, progressTask, type ProgressSink } from '../progress.js';
import { BASE_IMAGE } from './base-image.js';
import { hashContext, readContext } from './build-context.js';
import { NewcWriter } from './cpio-newc.js';
import { diskFullError, isDiskFull } from './disk-full.js';
import type { GuestKernel } from './guest-kernel.js';
import { readContainerFile, withCreatedContainer } from './image-files.js';
import { GUEST_MODULES, modulesInLoadOrder } from './modules-dep.js';
import { tempPath } from './temp-names.js';

const kitDir = () => join(packageRoot(), 'build', 'guest');

/** A short hash of everything in build/guest, so a changed kit makes new guests. */
export async function guestKitVersion(): Promise<string> {
  return hashContext(await readContext(kitDir()), 'guest-kit').slice(0, 12);
}

/**
 * Where an exported image's entry goes in the guest, or undefined to leave it out: /dev is the
 * kernel's (Docker's placeholders there would hide the real console), /.dockerenv would tell
 * programs they run in a container, and the kit's own paths are the kit's.
 */
function guestPath(tarName: string): string | undefined {
  const name = tarName.replace(/^(\.?\/)+/, '').replace(/\/+$/, '');
  if (!name || name === '.dockerenv' || name.startsWith('dev/') || name === 'init' || name === 'labvisor' || name.startsWith('labvisor/')) return undefined;
  if (basename(name).startsWith('.wh.')) return undefined; // an overlay whiteout, not a file
  return name;
}

/**
 * Copies an image's filesystem, as the tar of `docker export`, into the archive. Calls onCount now
 * and then. Mtimes later than `latestMtime` (seconds) are clamped to it: the export of a created
 * container holds files Docker makes at create (/etc/hosts, /etc/resolv.conf …) dated now, and
 * the same image must pack to the same bytes on every machine (its boot image is keyed by them,
 * so a machine that loaded a bundle finds the boot image instead of building one).
 */
export async function packImageTar(
  tar: NodeJS.ReadableStream, writer: NewcWriter, onCount: (n: number) => void = () => {}, latestMtime = Infinity,
): Promise<void> {
  const entries = extract();
  (tar as Readable).on('error', (err) => entries.destroy(err));
  tar.pipe(entries as unknown as NodeJS.WritableStream);
  const inodes = new Map<string, number>();
  let seen = 0;
  for await (const entry of entries) {
    if (++seen % 256 === 0) onCount(writer.count);
    const h = entry.header;
    const name = guestPath(h.name);
    const meta = { name: name ?? '', mode: h.mode, uid: h.uid, gid: h.gid, mtime: Math.min(h.mtime.getTime() / 1000, latestMtime) };
    if (!name) entry.resume();
    else if (h.type === 'file') inodes.set(name, await writer.add({ ...meta, type: 'file', size: h.size }, entry as AsyncIterable<Buffer>));
    else if (h.type === 'directory') await writer.add({ ...meta, type: 'directory' });
    else if (h.type === 'symlink') await writer.add({ ...meta, type: 'symlink', linkname: h.linkname });
    else if (h.type === 'link') {
      const ino = inodes.get(guestPath(h.linkname) ?? '');
      if (ino) await writer.link(name, ino);
    }
    // Devices and fifos are left out: the kernel's devtmpfs provides /dev.
  }
}

/** When the image was made, in whole seconds (its files are no newer); Infinity when unknown. */
function imageCreatedS(created: string): number {
  const ms = Date.parse(created);
  return Number.isFinite(ms) ? Math.floor(ms / 1000) : Infinity;
}

/** The guest kit: /init, /labvisor/{agent,busybox}, the kernel's modules and the order to load them in. */
async function packKit(docker: Docker, writer: NewcWriter, kernel: GuestKernel, kitImage: string): Promise<void> {
  const busybox = await withCreatedContainer(docker, kitImage, (c) => readContainerFile(c, '/bin/busybox'))
    .catch((err: Error) => { throw new Error(`the guest kit's busybox comes from ${kitImage}: ${err.message}`); });
  const dep = await readFile(join(kernel.modulesDir, 'modules.dep'), 'utf8');
  const builtin = await readFile(join(kernel.modulesDir, 'modules.builtin'), 'utf8').catch(() => '');
  const modules = modulesInLoadOrder(dep, GUEST_MODULES, builtin);
  await writer.add({ name: 'init', type: 'file', mode: 0o755 }, await readFile(join(kitDir(), 'init')));
  await writer.add({ name: 'labvisor', type: 'directory', mode: 0o755 });
  await writer.add({ name: 'labvisor/agent', type: 'file', mode: 0o755 }, await readFile(join(kitDir(), 'agent')));
  await writer.add({ name: 'labvisor/busybox', type: 'file', mode: 0o755 }, busybox);
  await writer.add({ name: 'labvisor/modules', type: 'directory', mode: 0o755 });
  for (const rel of modules) {
    await writer.add({ name: `labvisor/modules/${basename(rel)}`, type: 'file', mode: 0o644 }, await readFile(join(kernel.modulesDir, rel)));
  }
  await writer.add({ name: 'labvisor/modules.order', type: 'file', mode: 0o644 },
    Buffer.from(modules.map((rel) => `${basename(rel)}\n`).join('')));
}

/**
 * The initramfs of a guest made from `imageRef` for `kernel`, built once per image, kit and
 * kernel. The kit's busybox comes from `kitImage`, the base image of the guest's CPU.
 */
export async function buildGuestInitramfs(
  docker: Docker, imageRef: string, kernel: GuestKernel, sink: ProgressSink = noProgress, kitImage = BASE_IMAGE,
): Promise<string> {
  const image = await docker.getImage(imageRef).inspect();
  const imageId = image.Id.replace(/^sha256:/, '').slice(0, 12);
  const dir = join(dataDir(), 'guests');
  const target = join(dir, `${imageId}-${await guestKitVersion()}-${kernel.version}.cpio.gz`);
  if (existsSync(target)) return target;

  const task = progressTask(sink, `guest ${imageRef}`);
  await mkdir(dir, { recursive: true });
  // Both temps carry this process's PID: if it is killed, the next start removes them (gc).
  const cpio = tempPath(`${target}.cpio`);
  const gz = tempPath(target);
  const writer = new NewcWriter(cpio);
  try {
    task.update('exporting');
    await withCreatedContainer(docker, imageRef, async (c) =>
      packImageTar(await c.export(), writer, (n) => task.update(`packing ${n} files`, { current: n }), imageCreatedS(image.Created)));
    await packKit(docker, writer, kernel, kitImage);
    await writer.finish();
    task.update(`compressing ${writer.count} files`);
    // flush: on disk before the rename, so a power cut cannot leave a short file under the cache's name.
    await pipeline(createReadStream(cpio), createGzip(), createWriteStream(gz, { flush: true }));
    await rename(gz, target);
    task.done(`packed ${writer.count} files`);
    return target;
  } catch (err) {
    writer.abort();
    await rm(gz, { force: true });
    task.failed('failed');
    if (isDiskFull(err)) throw await diskFullError(err, dir, `the VM guest made from ${imageRef} (its initramfs)`);
    throw err;
  } finally {
    await rm(cpio, { force: true });
  }
}
