// A kernel image in linuxkit's layout (linuxkit/kernel:<version>, FROM scratch): /kernel is the
// bootable kernel (a bzImage on x86_64, Image.gz on arm64) and /kernel.tar what
// `make modules_install` wrote (./lib/modules/<version>/…, on arm64 also ./boot/dtb/…), beside
// System.map, headers and a config a guest does not need. guest-kernel.ts stores such a kernel in
// our layout. Everything is read through the engine's archive API: the engine may be remote.
import type Docker from 'dockerode';
import type { Readable } from 'node:stream';
import { constants as zlib, gunzipSync } from 'node:zlib';
import { extract, type Extract, type Header } from 'tar-stream';
import type { GuestArch } from './guest-arch.js';
import { readContainerFile } from './image-files.js';

export const LINUXKIT_KERNEL = '/kernel';
export const LINUXKIT_MODULES = '/kernel.tar';

export type KernelLayout = 'linuxkit' | 'labvisor';

/** The paths that tell the layouts apart: linuxkit's two files, our two folders. */
export const LAYOUT_PATHS = [LINUXKIT_KERNEL, LINUXKIT_MODULES, '/boot', '/lib/modules'] as const;

const LINUXKIT_WORDS = 'linuxkit\'s layout is /kernel (the kernel) + /kernel.tar (its modules)';
const OUR_WORDS = 'Labvisor\'s layout is /boot/vmlinuz-<version> + /lib/modules/<version>';

/**
 * The layout of an image that has `present` (of LAYOUT_PATHS): linuxkit's once it has either of
 * its files, else ours; half of a layout is an error naming the missing part.
 */
export function kernelLayout(present: readonly string[]): KernelLayout {
  const has = (path: string) => present.includes(path);
  const whole = (paths: string[], words: string) => {
    const gone = paths.filter((p) => !has(p));
    if (gone.length) throw new Error(`the image has no ${gone.join(' and no ')} (${words})`);
  };
  const linuxkit = [LINUXKIT_KERNEL, LINUXKIT_MODULES];
  if (linuxkit.some(has)) {
    whole(linuxkit, LINUXKIT_WORDS);
    return 'linuxkit';
  }
  const ours = ['/boot', '/lib/modules'];
  if (ours.some(has)) {
    whole(ours, OUR_WORDS);
    return 'labvisor';
  }
  throw new Error(`the image is in no kernel layout Labvisor knows: ${LINUXKIT_WORDS}; ${OUR_WORDS}`);
}

/** Which of `paths` a created container has: the archive API's HEAD, a stat without contents. */
export async function presentPaths(container: Docker.Container, paths: readonly string[]): Promise<string[]> {
  const found: string[] = [];
  for (const path of paths) {
    const there = await container.infoArchive({ path }).then((res: Readable) => {
      res.resume();
      return true;
    }, (err: { statusCode?: number }) => {
      if (err.statusCode === 404) return false;
      throw err;
    });
    if (there) found.push(path);
  }
  return found;
}

/**
 * The CPU a bootable kernel is for, from its header: an x86 bzImage ("HdrS" at 0x202; 32-bit
 * when its boot protocol, 2.12 on, lacks XLF_KERNEL_64) or an arm64 Image ("ARM\x64" at 0x38),
 * either plain or gzipped (linuxkit's arm64 /kernel). Undefined for anything else.
 */
export function bootImageArch(kernel: Buffer): string | undefined {
  let head = kernel;
  if (kernel[0] === 0x1f && kernel[1] === 0x8b) {
    try {
      // The header is at the start: inflate the first block of input only, without its end.
      head = gunzipSync(kernel.subarray(0, 4096), { finishFlush: zlib.Z_SYNC_FLUSH });
    } catch {
      return undefined;
    }
  }
  if (head.length >= 0x238 && head.toString('latin1', 0x202, 0x206) === 'HdrS') {
    const protocol = head.readUInt16LE(0x206);
    return protocol >= 0x20c && !(head.readUInt16LE(0x236) & 1) ? 'i386' : 'x86_64';
  }
  if (head.length >= 0x40 && head.toString('latin1', 0x38, 0x3c) === 'ARM\x64') return 'aarch64';
  return undefined;
}

/** Refuses a kernel (`what`: where it was found) that is not a bootable one for `arch` guests. */
export function checkKernelArch(kernel: Buffer, arch: GuestArch, what: string): void {
  const found = bootImageArch(kernel);
  if (found === arch) return;
  throw new Error(found
    ? `${what} is a kernel for ${found}, not for ${arch} guests`
    : `${what} is not a kernel Labvisor can boot: neither an x86 bzImage nor an arm64 Image, plain or gzipped`);
}

/** `./lib/modules/<version>/x.ko` → its version and path in our layout; undefined for the rest (dtbs, the top folders). */
export function modulesPath(name: string): { version: string; path: string } | undefined {
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw new Error(`${LINUXKIT_MODULES} has an entry "${name}" with "..": refused`);
  if (parts[0] !== 'lib' || parts[1] !== 'modules' || parts.length < 3) return undefined;
  return { version: parts[2]!, path: parts.join('/') };
}

export interface TarEntry { name: string; type: Header['type'] }

/** What a kernel.tar may hold under lib/modules; anything else (devices, hard links) is refused. */
const KEPT_TYPES: ReadonlySet<Header['type']> = new Set(['file', 'directory', 'symlink']);

/**
 * The kernel release kernel.tar holds the modules of: exactly one lib/modules/<version>, with
 * the modules.dep depmod writes (the guest's modules are found from it).
 */
export function modulesVersion(entries: Iterable<TarEntry>): string {
  const versions = new Set<string>();
  const files = new Set<string>();
  for (const { name, type } of entries) {
    const at = modulesPath(name);
    if (!at) continue;
    if (!KEPT_TYPES.has(type)) throw new Error(`${LINUXKIT_MODULES} has ${at.path}, a ${type}: only files, folders and symlinks are expected`);
    versions.add(at.version);
    if (type === 'file') files.add(at.path);
  }
  const [version, ...more] = versions;
  if (!version) throw new Error(`${LINUXKIT_MODULES} has no lib/modules/<version> (the kernel's modules)`);
  if (more.length) throw new Error(`${LINUXKIT_MODULES} has the modules of several kernels (${[...versions].join(', ')}), and one /kernel`);
  if (!files.has(`lib/modules/${version}/modules.dep`)) throw new Error(`${LINUXKIT_MODULES} has no lib/modules/${version}/modules.dep (depmod's index of the modules)`);
  return version;
}

type TarSource = Extract extends AsyncIterable<infer S> ? S : never;

/** The entries of the image's kernel.tar, streamed: a tar inside the tar the archive API sends. */
async function* kernelTarEntries(container: Docker.Container): AsyncGenerator<TarSource> {
  const archive = await container.getArchive({ path: LINUXKIT_MODULES }) as Readable;
  const outer = extract();
  archive.on('error', (err) => outer.destroy(err));
  archive.pipe(outer as unknown as NodeJS.WritableStream);
  try {
    for await (const file of outer) {
      if (file.header.type !== 'file') throw new Error(`${LINUXKIT_MODULES} is a ${file.header.type}, not a file`);
      const inner = extract();
      file.on('error', (err: Error) => inner.destroy(err));
      file.pipe(inner);
      yield* inner;
      return;
    }
  } finally {
    archive.destroy();
  }
}

export interface LinuxkitKernel { vmlinuz: Buffer; version: string }

/**
 * Reads and checks the kernel of a created container of a linuxkit-layout image: /kernel for
 * `arch` guests, the version from kernel.tar. kernel.tar is read whole here and again by
 * ourLayoutEntries, so nothing is stored of a tar found wrong halfway.
 */
export async function readLinuxkitKernel(container: Docker.Container, arch: GuestArch): Promise<LinuxkitKernel> {
  const vmlinuz = await readContainerFile(container, LINUXKIT_KERNEL);
  checkKernelArch(vmlinuz, arch, LINUXKIT_KERNEL);
  const entries: TarEntry[] = [];
  for await (const entry of kernelTarEntries(container)) {
    entries.push({ name: entry.header.name, type: entry.header.type });
    entry.resume();
  }
  return { vmlinuz, version: modulesVersion(entries) };
}

export interface LayoutEntry { header: Partial<Header> & { name: string }; data?: Buffer }

/** The kernel in our layout: boot/vmlinuz-<version>, then lib/modules/<version> out of kernel.tar. */
export async function* ourLayoutEntries(container: Docker.Container, kernel: LinuxkitKernel): AsyncGenerator<LayoutEntry> {
  const mtime = new Date(0);
  for (const dir of ['boot', 'lib', 'lib/modules']) yield { header: { name: dir, type: 'directory', mode: 0o755, mtime } };
  yield { header: { name: `boot/vmlinuz-${kernel.version}`, type: 'file', mode: 0o644, mtime }, data: kernel.vmlinuz };
  for await (const entry of kernelTarEntries(container)) {
    const at = modulesPath(entry.header.name);
    const { type } = entry.header;
    if (at?.version !== kernel.version || type !== 'file') entry.resume();
    if (at?.version !== kernel.version || !KEPT_TYPES.has(type)) continue;
    const header = { name: at.path, type, mode: (entry.header.mode ?? 0o644) & 0o777, mtime };
    if (type === 'symlink') yield { header: { ...header, linkname: entry.header.linkname } };
    else if (type === 'directory') yield { header };
    else {
      const chunks: Buffer[] = [];
      for await (const chunk of entry) chunks.push(chunk as Buffer);
      yield { header, data: Buffer.concat(chunks) };
    }
  }
}
