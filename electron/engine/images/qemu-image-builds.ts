// The two recipes of the runner image: from this machine's QEMU (local-qemu.ts) on top of
// labvisor/base, or from Debian's QEMU packages where a registry answers; and the labels both
// put on it (the QEMU version and the guest CPUs it runs).
import type Docker from 'dockerode';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { dirname } from 'node:path';
import { pack, type Pack } from 'tar-stream';
import { LABEL } from '../labels.js';
import type { ProgressSink } from '../progress.js';
import { BASE_IMAGE, pullImage } from './base-image.js';
import { asNodeStream, buildFromDockerfileText, buildImage } from './build-image.js';
import { GUEST_ARCHES, qemuSystemBinary, qemuSystemPackage, type GuestArch } from './guest-arch.js';
import { DEBIAN_IMAGE } from './debian-kernel.js';
import { readContainerFile, withCreatedContainer } from './image-files.js';
import { FIRMWARE, parseQemuVersion, type LocalQemu } from './local-qemu.js';
import { RUN_VM, RUN_VM_SCRIPT } from './run-vm-script.js';

export const QEMU_LABEL = {
  /** "7.2.22"; "x86_64 7.2.22, aarch64 8.0.0" when the binaries differ. */
  version: 'io.labvisor.qemu-version',
  /** The guest CPUs it has a qemu-system-* for: "x86_64,aarch64". */
  guestArches: 'io.labvisor.guest-arches',
  /** local-qemu or registry: where its QEMU came from. */
  source: 'io.labvisor.qemu-source',
} as const;

/** One version when all binaries agree; else each CPU's. */
export function versionLabel(versions: Array<{ arch: GuestArch; version: string }>): string {
  const distinct = new Set(versions.map((v) => v.version));
  return distinct.size === 1 ? [...distinct][0]! : versions.map((v) => `${v.arch} ${v.version}`).join(', ');
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

export async function buildFromLocalQemu(docker: Docker, ref: string, local: LocalQemu, sink: ProgressSink): Promise<void> {
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

export async function buildFromRegistry(docker: Docker, ref: string, sink: ProgressSink): Promise<void> {
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
