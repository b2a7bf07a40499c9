// The runner image of VM machines: labvisor/qemu:<n>, QEMU for the engine's CPU, which a VM
// machine's runner container starts as its PID 1 (as KubeVirt's virt-launcher holds a VM's QEMU).
// Offline first, like the base image: the image if present; else made from this Linux
// machine's own QEMU (local-qemu.ts) on top of labvisor/base; else from Debian's QEMU packages
// where a registry answers (qemu-image-builds.ts); else an error naming what was tried and the
// fix. Labels say the QEMU version and the guest CPUs it runs. Its entry script: run-vm-script.ts.
import type Docker from 'dockerode';
import type { EngineInfo } from '../machines/docker-engine.js';
import { LabvisorError, reasonList } from '../errors.js';
import { noProgress, progressTask, type ProgressSink } from '../progress.js';
import { baseImagePresent, ensureBaseImage } from './base-image.js';
import { GUEST_ARCHES, qemuSystemBinary, type GuestArch } from './guest-arch.js';
import { findLocalQemu } from './local-qemu.js';
import { buildFromLocalQemu, buildFromRegistry, QEMU_LABEL } from './qemu-image-builds.js';

/** Bump the tag when what goes into the image changes, so old images are not reused. */
export const QEMU_IMAGE = 'labvisor/qemu:4';

/** The runner image VMs use: LABVISOR_QEMU_IMAGE (a workshop's own, or a test's absent one), else ours. */
export function qemuImageRef(): string {
  return process.env.LABVISOR_QEMU_IMAGE || QEMU_IMAGE;
}

export type QemuSource = 'present' | 'local-qemu' | 'registry';

export interface QemuImage {
  ref: string;
  source: QemuSource;
  qemuVersion: string;
  guestArches: GuestArch[];
}

export class QemuImageUnavailableError extends LabvisorError {
  /** One line for the lab's machine list: how to get a runner image; `message` has what was tried. */
  readonly summary: string;

  constructor(ref: string, reasons: string[]) {
    super('qemu-image-unavailable', `The VM runner image ${ref} (QEMU for the Docker engine) is not available and could not be made:\n${reasonList(reasons)}`, {
      fix: `connect to a registry once, load a workshop bundle (or docker load a saved ${ref}), or on a Linux computer with` +
        ' the engine\'s CPU install QEMU: sudo apt-get install qemu-system-x86 qemu-system-arm.',
    });
    this.name = 'QemuImageUnavailableError';
    this.summary = `no VM runner image (${ref}): docker load one saved from another machine (a workshop bundle holds one), let the engine reach a registry once, or install QEMU on a Linux computer with the engine's CPU (sudo apt-get install qemu-system-x86 qemu-system-arm); labvisor doctor says what was tried`;
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
