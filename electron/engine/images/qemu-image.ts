// The runner image of VM machines: labvisor/qemu:<n>, QEMU for the engine's CPU, which a VM
// machine's runner container starts as its PID 1 (as KubeVirt's virt-launcher holds a VM's QEMU).
// Offline first, like the base image: the image if present; else made from this Linux
// machine's own QEMU (each qemu-system-* for a guest CPU Labvisor boots, the libraries ldd
// lists, the accelerator modules, the few firmware files a direct-kernel boot opens) on top of
// labvisor/base; else from Debian's QEMU packages where a registry answers; else an error
// naming what was tried and the fix. Labels say the QEMU version and the guest CPUs it runs.
import type Docker from 'dockerode';
import { execFile } from 'node:child_process';
import { lstat, readdir, readFile, readlink, realpath } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { pack, type Pack } from 'tar-stream';
import type { EngineInfo } from '../machines/docker-engine.js';
import { LABEL } from '../labels.js';
import { noProgress, progressTask, type ProgressSink } from '../progress.js';
import { onPath } from '../which.js';
import { baseImagePresent, BASE_IMAGE, ensureBaseImage, pullImage } from './base-image.js';
import { asNodeStream, buildFromDockerfileText, buildImage } from './build-image.js';
import { GUEST_ARCHES, qemuSystemBinary, qemuSystemPackage, type GuestArch } from './guest-arch.js';
import { DEBIAN_IMAGE } from './debian-kernel.js';
import { readContainerFile, withCreatedContainer } from './image-files.js';
import { readElfFacts, sameArch } from './static-binary.js';

/** Bump the tag when what goes into the image changes, so old images are not reused. */
export const QEMU_IMAGE = 'labvisor/qemu:3';

/** The runner image VMs use: LABVISOR_QEMU_IMAGE (a workshop's own, or a test's absent one), else ours. */
export function qemuImageRef(): string {
  return process.env.LABVISOR_QEMU_IMAGE || QEMU_IMAGE;
}

export const QEMU_LABEL = {
  /** "7.2.22"; "x86_64 7.2.22, aarch64 8.0.0" when the binaries differ. */
  version: 'io.labvisor.qemu-version',
  /** The guest CPUs it has a qemu-system-* for: "x86_64,aarch64". */
  guestArches: 'io.labvisor.guest-arches',
  /** local-qemu or registry: where its QEMU came from. */
  source: 'io.labvisor.qemu-source',
} as const;

export type QemuSource = 'present' | 'local-qemu' | 'registry';

export interface QemuImage {
  ref: string;
  source: QemuSource;
  qemuVersion: string;
  guestArches: GuestArch[];
}

/** Where the runner's channels are: FIFOs for QEMU's `-chardev pipe,path=/run/vm/<name>`. */
export const RUN_VM_DIR = '/run/vm';
export const RUN_VM_FIFOS = ['agent.in', 'agent.out'] as const;
export const RUN_VM = '/labvisor/run-vm';
/** What the guest said on its power channel before QEMU ended: "reboot" starts QEMU again. */
/** Disk i's volume is mounted at RUN_VM_DISKS/i, and holds the image RUN_VM_DISK_FILE. */
export const RUN_VM_DISKS = '/disks';
export const RUN_VM_DISK_FILE = 'disk.img';
/** In QEMU's argv, replaced by the entry script with the engine host's CPU clock in kHz. */
export const HOST_TSC_KHZ = '@HOST_TSC_KHZ@';

/** Sizes of the disks the entry script makes when their volume has none yet: `256,512` (MiB). */
export const RUN_VM_DISKS_ENV = 'LABVISOR_DISKS_MB';

/**
 * The runner's entry point (its ENTRYPOINT): the FIFOs of the agent's channel, the disk images
 * the VM lacks (sparse), the engine host's CPU clock put into QEMU's argv where it says
 * ${HOST_TSC_KHZ} (read here, on that host, so no other container is started for it), then
 * QEMU itself as PID 1, so the container lives exactly as long as the VM and a stop or kill of
 * the container reaches QEMU. POSIX sh: busybox's in the offline image, dash in Debian's.
 */
export const RUN_VM_SCRIPT = `#!/bin/sh
# labvisor/qemu's entry: ${RUN_VM} QEMU-COMMAND [ARG...]
set -e
if [ "$#" -eq 0 ]; then echo 'usage: ${RUN_VM} QEMU-COMMAND [ARG...]' >&2; exit 2; fi
mkdir -p ${RUN_VM_DIR}
for f in ${RUN_VM_FIFOS.join(' ')}; do
  [ -p "${RUN_VM_DIR}/$f" ] || mkfifo -m 600 "${RUN_VM_DIR}/$f"
done
i=0
for mb in $(echo "\${${RUN_VM_DISKS_ENV}:-}" | tr ',' ' '); do
  disk=${RUN_VM_DISKS}/$i/${RUN_VM_DISK_FILE}
  [ -e "$disk" ] || truncate -s "\${mb}M" "$disk"
  i=$((i + 1))
done
khz=$(awk '/^cpu MHz/ { printf "%d", $4 * 1000; exit }' /proc/cpuinfo)
for a do
  shift
  case $a in *${HOST_TSC_KHZ}*) a="\${a%%${HOST_TSC_KHZ}*}\${khz:-2000000}\${a#*${HOST_TSC_KHZ}}";; esac
  set -- "$@" "$a"
done
exec "$@"
`;
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

/** One version when all binaries agree; else each CPU's. */
export function versionLabel(versions: Array<{ arch: GuestArch; version: string }>): string {
  const distinct = new Set(versions.map((v) => v.version));
  return distinct.size === 1 ? [...distinct][0]! : versions.map((v) => `${v.arch} ${v.version}`).join(', ');
}

export class QemuImageUnavailableError extends Error {
  /** One line for the lab's machine list: how to get a runner image; `message` has what was tried. */
  readonly summary: string;

  constructor(ref: string, reasons: string[]) {
    super(`The VM runner image ${ref} (QEMU for the Docker engine) is not available and could not be made:\n` +
      reasons.map((r) => `  - ${r}`).join('\n') +
      `\nFix: connect to a registry once, load a workshop bundle (or docker load a saved ${ref}), or on a Linux computer with` +
      ' the engine\'s CPU install QEMU: sudo apt-get install qemu-system-x86 qemu-system-arm.');
    this.name = 'QemuImageUnavailableError';
    this.summary = `no VM runner image (${ref}): docker load one saved from another machine (a workshop bundle holds one), let the engine reach a registry once, or install QEMU on a Linux computer with the engine's CPU (sudo apt-get install qemu-system-x86 qemu-system-arm); labvisor doctor says what was tried`;
  }
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

/** The Dockerfile of the image made from this machine's QEMU (its files come as rootfs/). */
export function localQemuDockerfile(binaries: string[]): string {
  return [
    `FROM ${BASE_IMAGE}`,
    'COPY rootfs/ /',
    // Fails the build, not the first VM, when a library is missing.
    `RUN ${binaries.map((b) => `${b} --version`).join(' && ')} >/dev/null`,
    `ENTRYPOINT ["${RUN_VM}"]`,
    '',
  ].join('\n');
}

/**
 * The Dockerfile for engines this machine cannot make the image for (macOS, Windows, another
 * CPU): Debian's QEMU for both guest CPUs and a static busybox, the firmware and modules pruned
 * as in the offline image. Untested without a registry.
 */
export function registryQemuDockerfile(): string {
  const keep = [...new Set(GUEST_ARCHES.flatMap((a) => FIRMWARE[a]))].join(' ');
  return [
    `FROM ${DEBIAN_IMAGE}`,
    'RUN apt-get update \\',
    ` && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${GUEST_ARCHES.map(qemuSystemPackage).join(' ')} busybox-static \\`,
    ' && rm -rf /var/lib/apt/lists/* \\',
    // The wanted firmware and, for a link, its target; the rest of /usr/share/qemu goes.
    ` && cd /usr/share/qemu && keep="" && for f in ${keep}; do keep="$keep $f $(basename "$(readlink -f "$f")")"; done \\`,
    ' && for f in *; do case " $keep " in *" $f "*) ;; *) rm -rf "$f" ;; esac; done \\',
    ' && for d in /usr/lib/*-linux-gnu/qemu; do find "$d" -name \'*.so\' ! -name \'accel-*\' -delete; done \\',
    ` && mkdir -p /labvisor && for q in ${GUEST_ARCHES.map(qemuSystemBinary).join(' ')}; do printf '%s %s\\n' "$q" "$($q --version | head -n 1)"; done > /labvisor/qemu-versions`,
    `COPY run-vm ${RUN_VM}`,
    `ENTRYPOINT ["${RUN_VM}"]`,
    '',
  ].join('\n');
}

/** Adds a file of this machine at its own path under rootfs/, read through its symlinks. */
async function addFile(tar: Pack, path: string): Promise<void> {
  const st = await lstat(path);
  const mtime = new Date(0);
  // A link inside the firmware folder stays a link (bios-microvm.bin -> qboot.rom); every other
  // file is stored under the name it is opened by.
  if (st.isSymbolicLink() && !(await readlink(path)).includes('/') && dirname(path).endsWith('/qemu')) {
    tar.entry({ name: `rootfs${path}`, type: 'symlink', linkname: await readlink(path), mode: 0o777, mtime });
    return;
  }
  tar.entry({ name: `rootfs${path}`, mode: 0o755, mtime }, await readFile(path));
}

async function buildFromLocalQemu(docker: Docker, ref: string, local: LocalQemu, sink: ProgressSink): Promise<void> {
  const tar = pack();
  const mtime = new Date(0);
  tar.entry({ name: 'Dockerfile', mtime }, localQemuDockerfile(local.binaries.map((b) => b.path)));
  tar.entry({ name: `rootfs${RUN_VM}`, mode: 0o755, mtime }, RUN_VM_SCRIPT);
  for (const file of local.files) await addFile(tar, file);
  tar.finalize();
  await buildImage(docker, asNodeStream(tar), ref, {
    [LABEL.role]: 'base',
    [QEMU_LABEL.version]: versionLabel(local.binaries),
    [QEMU_LABEL.guestArches]: local.binaries.map((b) => b.arch).join(','),
    [QEMU_LABEL.source]: 'local-qemu',
  }, sink, 'VM runner image');
}

/** Parses /labvisor/qemu-versions of the registry recipe: "qemu-system-x86_64 QEMU emulator version 7.2.22 (…)". */
export function parseVersionsFile(text: string): Array<{ arch: GuestArch; version: string }> {
  const out: Array<{ arch: GuestArch; version: string }> = [];
  for (const line of text.split('\n')) {
    const arch = GUEST_ARCHES.find((a) => line.startsWith(`${qemuSystemBinary(a)} `));
    const version = parseQemuVersion(line);
    if (arch && version) out.push({ arch, version });
  }
  return out;
}

async function buildFromRegistry(docker: Docker, ref: string, sink: ProgressSink): Promise<void> {
  await pullImage(docker, DEBIAN_IMAGE, 60_000);
  const building = `${ref.replace(/:.*$/, '')}-building:latest`;
  const tar = pack();
  tar.entry({ name: 'Dockerfile', mtime: new Date(0) }, registryQemuDockerfile());
  tar.entry({ name: 'run-vm', mode: 0o755, mtime: new Date(0) }, RUN_VM_SCRIPT);
  tar.finalize();
  await buildImage(docker, asNodeStream(tar), building, { [LABEL.role]: 'helper' }, sink, 'VM runner image');
  try {
    const versions = parseVersionsFile((await withCreatedContainer(docker, building, (c) => readContainerFile(c, '/labvisor/qemu-versions'))).toString());
    if (!versions.length) throw new Error('the built image names no QEMU version');
    // The labels need the versions apt chose, so they go on in a second, empty build.
    await buildFromDockerfileText(docker, `FROM ${building}\n`, ref, {
      [LABEL.role]: 'base',
      [QEMU_LABEL.version]: versionLabel(versions),
      [QEMU_LABEL.guestArches]: versions.map((v) => v.arch).join(','),
      [QEMU_LABEL.source]: 'registry',
    }, sink);
  } finally {
    await docker.getImage(building).remove().catch(() => {});
  }
}

/** What the image at `ref` is, from its labels; undefined when it is not there. */
export async function inspectQemuImage(docker: Docker, ref = qemuImageRef()): Promise<Omit<QemuImage, 'source'> & { id: string; sizeBytes: number; madeFrom: string } | undefined> {
  const image = await docker.getImage(ref).inspect().catch(() => undefined);
  if (!image) return undefined;
  const labels = image.Config?.Labels ?? {};
  return {
    ref, id: image.Id, sizeBytes: image.Size,
    qemuVersion: labels[QEMU_LABEL.version] ?? 'unknown',
    guestArches: (labels[QEMU_LABEL.guestArches] ?? '').split(',').filter((a): a is GuestArch => (GUEST_ARCHES as readonly string[]).includes(a)),
    madeFrom: labels[QEMU_LABEL.source] ?? 'unknown',
  };
}

/**
 * Makes sure the runner image (or `ref`, in tests) exists, by the first source that works. With
 * `need`, an image without QEMU for that guest CPU is made again (QEMU for it was installed since).
 */
export async function ensureQemuImage(
  docker: Docker, engine: EngineInfo, sink: ProgressSink = noProgress, ref = qemuImageRef(), need?: GuestArch,
): Promise<QemuImage> {
  const existing = await inspectQemuImage(docker, ref);
  if (existing && (!need || existing.guestArches.includes(need))) {
    return { ref, source: 'present', qemuVersion: existing.qemuVersion, guestArches: existing.guestArches };
  }
  const task = progressTask(sink, 'VM runner image');
  const reasons: string[] = [];
  if (existing) reasons.push(`${ref} has no ${qemuSystemBinary(need!)}`);
  const done = async (source: QemuSource): Promise<QemuImage> => {
    const made = (await inspectQemuImage(docker, ref))!;
    // The image it replaces, if nothing else holds it.
    if (existing && existing.id !== made.id) await docker.getImage(existing.id).remove().catch(() => {});
    task.done(`QEMU ${made.qemuVersion} for ${made.guestArches.join(' and ')} guests (${source})`);
    return { ref, source, qemuVersion: made.qemuVersion, guestArches: made.guestArches };
  };
  const local = await findLocalQemu(engine);
  if (local.binaries.length && (!need || local.binaries.some((b) => b.arch === need))) {
    task.update(`adding this machine's QEMU: ${local.why}`);
    try {
      if (!(await baseImagePresent(docker))) await ensureBaseImage(docker, engine, sink);
      await buildFromLocalQemu(docker, ref, local, sink);
      return await done('local-qemu');
    } catch (err) {
      reasons.push(`local QEMU: ${(err as Error).message}`);
    }
  } else {
    reasons.push(`local QEMU: ${local.binaries.length ? `no ${qemuSystemBinary(need!)} (${local.why})` : local.why}`);
  }
  if (process.env.LABVISOR_OFFLINE !== '1') {
    task.update('building from Debian\'s QEMU packages');
    try {
      await buildFromRegistry(docker, ref, sink);
      return await done('registry');
    } catch (err) {
      reasons.push(`registry: ${(err as Error).message}`);
    }
  } else {
    reasons.push('registry: skipped (LABVISOR_OFFLINE=1)');
  }
  task.failed('no source for the VM runner image');
  throw new QemuImageUnavailableError(ref, reasons);
}

/** What ensureQemuImage would do for `arch` guests now, in words (doctor). */
export async function describeQemuImage(
  docker: Docker, engine: EngineInfo, arch: GuestArch, ref = qemuImageRef(),
): Promise<{ status: 'present' | 'will-make' | 'missing'; detail: string }> {
  const image = await inspectQemuImage(docker, ref);
  if (image?.guestArches.includes(arch)) {
    return { status: 'present', detail: `${ref} is present (QEMU ${image.qemuVersion}, ${image.madeFrom}, ${Math.round(image.sizeBytes / 1e6)} MB)` };
  }
  const local = await findLocalQemu(engine);
  const mine = local.binaries.find((b) => b.arch === arch);
  const has = image ? `${ref} has no ${qemuSystemBinary(arch)}; it ` : `${ref} `;
  if (mine) return { status: 'will-make', detail: `${has}will be made from ${mine.path} (QEMU ${mine.version}) on first use` };
  return { status: 'missing', detail: `${has}cannot be made here (${local.why}): a registry or a bundle is the only source left` };
}
