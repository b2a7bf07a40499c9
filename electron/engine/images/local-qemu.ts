// This Linux machine's own QEMU, for the runner image made offline: each qemu-system-* for a
// guest CPU Labvisor boots, the libraries ldd lists, the accelerator modules and the few
// firmware files a direct-kernel boot opens; and the parsers of what those tools print.
import { execFile } from 'node:child_process';
import { lstat, readdir, readlink, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { EngineInfo } from '../machines/docker-engine.js';
import { onPath } from '../which.js';
import { GUEST_ARCHES, qemuSystemBinary, qemuSystemPackage, type GuestArch } from './guest-arch.js';
import { readElfFacts, sameArch } from './static-binary.js';

/**
 * The firmware a headless direct-kernel boot opens, found by booting with strace (QEMU 7.2):
 * microvm loads qboot (bios-microvm.bin, on Debian a link to qboot.rom) and the option ROM that
 * hands it -kernel over DMA fw_cfg; aarch64 virt with -kernel opens none. Everything else in
 * /usr/share/qemu (SeaBIOS, iPXE, VGA, keymaps, other machines' ROMs) is left out.
 */
export const FIRMWARE: Record<GuestArch, readonly string[]> = {
  x86_64: ['bios-microvm.bin', 'linuxboot_dma.bin'],
  aarch64: [],
};

export interface DirEntry { name: string; /** A symlink's target, as readlink gives it. */ link?: string }

/**
 * The firmware files to copy from a listing of the firmware folder for `arches`: the wanted
 * names and, for a wanted link to a file in the same folder, that file; and the wanted names
 * the folder lacks.
 */
export function firmwareFiles(arches: readonly GuestArch[], listing: DirEntry[]): { keep: string[]; missing: string[] } {
  const byName = new Map(listing.map((e) => [e.name, e]));
  const keep = new Set<string>();
  const missing: string[] = [];
  for (const name of new Set(arches.flatMap((a) => FIRMWARE[a]))) {
    let entry = byName.get(name);
    if (!entry) { missing.push(name); continue; }
    keep.add(name);
    // A chain of links inside the folder (bios-microvm.bin -> qboot.rom) brings its files along.
    for (let hops = 0; entry?.link && !entry.link.includes('/') && hops < 8; hops++) {
      keep.add(entry.link);
      entry = byName.get(entry.link);
    }
  }
  return { keep: [...keep].sort(), missing };
}

/**
 * QEMU's loadable modules that a headless VM needs: the accelerators only (accel-tcg-*.so;
 * without them "could not load module for type 'tcg-accel-ops'"). UI, audio, display, USB and
 * the like are left out.
 */
export function acceleratorModules(names: string[]): string[] {
  return names.filter((n) => /^accel-[\w-]+\.so$/.test(n)).sort();
}

/**
 * ldd's output: "libz.so.1 => /lib/x86_64-linux-gnu/libz.so.1 (0x…)" and the loader's own
 * "/lib64/ld-linux-x86-64.so.2 (0x…)" give the paths the loader opens (stored under those
 * names, not their symlinks' targets); "=> not found" lines name what this machine lacks.
 */
export function parseLdd(stdout: string): { libraries: string[]; missing: string[] } {
  const libraries: string[] = [];
  const missing: string[] = [];
  for (const line of stdout.split('\n')) {
    const gone = /^\s*(\S+) => not found/.exec(line);
    if (gone) { missing.push(gone[1]!); continue; }
    const found = /(?:=> |^\s*)(\/\S+) \(0x[0-9a-f]+\)/.exec(line);
    if (found) libraries.push(found[1]!);
  }
  return { libraries, missing };
}

/** "QEMU emulator version 7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)" → 7.2.22. */
export function parseQemuVersion(text: string): string | undefined {
  return /QEMU emulator version (\d[^\s(]*)/.exec(text)?.[1];
}

export interface LocalQemu {
  binaries: Array<{ arch: GuestArch; path: string; version: string }>;
  /** Everything that goes into the image at its own path: binaries, libraries, modules, firmware. */
  files: string[];
  /** Why a CPU's QEMU is not there, or what was found. */
  why: string;
}

const run = promisify(execFile);

async function listing(dir: string): Promise<DirEntry[]> {
  const names = await readdir(dir).catch(() => [] as string[]);
  return Promise.all(names.map(async (name) => {
    const st = await lstat(join(dir, name));
    return st.isSymbolicLink() ? { name, link: await readlink(join(dir, name)) } : { name };
  }));
}

/** Where a binary's modules are: its build's module folder, found as QEMU finds it next to itself (<bin>/../lib/<triplet>/qemu) or in the usual places. */
async function moduleDir(binary: string, libraries: string[]): Promise<string | undefined> {
  const triplet = libraries.map((l) => /\/lib\/([^/]+-linux-[^/]+)\//.exec(l)?.[1]).find(Boolean);
  const candidates = [
    ...(triplet ? [join(dirname(binary), '..', 'lib', triplet, 'qemu'), `/usr/lib/${triplet}/qemu`] : []),
    join(dirname(binary), '..', 'lib64', 'qemu'), join(dirname(binary), '..', 'lib', 'qemu'), '/usr/lib64/qemu', '/usr/lib/qemu',
  ];
  for (const dir of candidates) if (acceleratorModules(await readdir(dir).catch(() => [])).length) return realpath(dir);
  return undefined;
}

async function lddOf(path: string): Promise<string[]> {
  const { stdout } = await run('ldd', [path], { maxBuffer: 1 << 20 }).catch((err: { stdout?: string }) => ({ stdout: err.stdout ?? '' }));
  const { libraries, missing } = parseLdd(stdout);
  if (missing.length) throw new Error(`${path} needs ${missing.join(', ')}, which this machine lacks`);
  return libraries;
}

/**
 * This machine's QEMU for the engine's CPU, with what it loads, or why it cannot make the image.
 * The files are read here and sent as a build context, so any Linux engine of the same CPU will
 * do. LABVISOR_QEMU_BIN_DIR says where to look instead of PATH.
 */
export async function findLocalQemu(engine: EngineInfo): Promise<LocalQemu> {
  if (process.platform !== 'linux') return { binaries: [], files: [], why: `this computer's QEMU is a ${process.platform} program, not a Linux one` };
  const dir = process.env.LABVISOR_QEMU_BIN_DIR;
  const binaries: LocalQemu['binaries'] = [];
  const files = new Set<string>();
  const seen: string[] = [];
  for (const arch of GUEST_ARCHES) {
    const name = qemuSystemBinary(arch);
    const found = dir ? join(dir, name) : await onPath(name);
    const binary = found && await realpath(found).catch(() => undefined);
    if (!binary) { seen.push(`no ${name} ${dir ? `in ${dir}` : 'on PATH'} (${qemuSystemPackage(arch)})`); continue; }
    const elf = await readElfFacts(binary).catch(() => undefined);
    if (!elf) { seen.push(`${binary} is not an ELF binary`); continue; }
    if (!sameArch(elf.arch, engine.arch)) { seen.push(`${binary} is for ${elf.arch}, the engine runs ${engine.arch}`); continue; }
    try {
      const { stdout } = await run(binary, ['--version']);
      const version = parseQemuVersion(stdout);
      if (!version) throw new Error(`${binary} --version said ${JSON.stringify(stdout.split('\n')[0])}`);
      const libraries = elf.isStatic ? [] : await lddOf(binary);
      const modules = await moduleDir(binary, libraries);
      // QEMU looks for its firmware next to itself (<bin>/../share/qemu), then where it was built to.
      const firmwareDir = join(dirname(binary), '..', 'share', 'qemu');
      const firmware = firmwareFiles([arch], await listing(firmwareDir));
      if (firmware.missing.length) throw new Error(`${firmwareDir} lacks ${firmware.missing.join(', ')}`);
      files.add(binary);
      for (const lib of libraries) files.add(lib);
      for (const name of firmware.keep) files.add(join(await realpath(firmwareDir), name));
      if (modules) {
        for (const module of acceleratorModules(await readdir(modules))) {
          files.add(join(modules, module));
          for (const lib of await lddOf(join(modules, module))) files.add(lib);
        }
      }
      binaries.push({ arch, path: binary, version });
    } catch (err) {
      seen.push((err as Error).message);
    }
  }
  const why = binaries.length
    ? `${binaries.map((b) => `${b.path} (QEMU ${b.version})`).join(' and ')}${seen.length ? `; ${seen.join('; ')}` : ''}`
    : seen.join('; ');
  return { binaries, files: [...files].sort(), why };
}
