// What a lab needs on the engine, learnt the one sure way: by starting it. A start makes (or
// finds) everything — base, lab images, runner, kernel, VM boot image, Docker host helper — and
// the session's containers then name the images they run. The session is stopped right after.
import type Docker from 'dockerode';
import { LABEL } from '../labels.js';
import type { LoadedLab } from '../labs/load.js';
import type { EngineInfo } from '../machines/docker-engine.js';
import { noProgress, type ProgressSink } from '../progress.js';
import { LabSession } from '../sessions/lab-session.js';
import { BASE_IMAGE } from './base-image.js';
import { BOOT_IMAGE_REPO } from './vm-boot-image.js';
import { DOCKER_HOST_IMAGE } from './docker-host-image.js';
import { ensureGuestKernel, KERNEL_REPO } from './guest-kernel.js';
import { isArch, vmGuestArch } from './guest-arch.js';
import { guestBaseImage } from './guest-base-image.js';
import { qemuImageRef } from './qemu-image.js';

export interface NeededImage { ref: string; role: string }

function roleOf(ref: string): string {
  if (ref.startsWith(`${BOOT_IMAGE_REPO}:`)) return 'vm-boot';
  if (ref === DOCKER_HOST_IMAGE) return 'docker-host';
  if (ref === BASE_IMAGE) return 'base';
  return 'lab';
}

/**
 * Starts `loaded` (trusted: whoever bundles a lab vouches for it, as `run --trust` would) and
 * stops it, returning every image the start used.
 */
export async function imagesALabNeeds(docker: Docker, engine: EngineInfo, loaded: LoadedLab, sink: ProgressSink = noProgress): Promise<NeededImage[]> {
  const session = new LabSession(docker, engine, loaded);
  const needed = new Map<string, string>([[BASE_IMAGE, 'base']]);
  try {
    await session.start({ trust: true, progress: sink });
    for (const ref of session.labImageRefs()) needed.set(ref, 'lab');
    const containers = await docker.listContainers({ all: true, filters: { label: [`${LABEL.session}=${session.id}`] } });
    for (const c of containers) if (!c.Image.startsWith('sha256:') && !needed.has(c.Image)) needed.set(c.Image, roleOf(c.Image));
    const vms = loaded.lab.machines.some((m) => m.kind === 'vm');
    if (vms) {
      const unavailable = session.machines.find((m) => m.unavailable);
      if (unavailable) throw new Error(`lab "${loaded.lab.id}": machine "${unavailable.name}" is unavailable here (${unavailable.unavailable}), so its images cannot be bundled`);
      const arch = vmGuestArch(engine);
      needed.set(qemuImageRef(), 'runner');
      needed.set((await ensureGuestKernel(docker, engine, noProgress, KERNEL_REPO, arch)).image, 'kernel');
      if (!isArch(engine.arch, arch)) needed.set(guestBaseImage(arch, engine), 'guest-base');
    }
  } finally {
    await session.stop();
  }
  return [...needed].map(([ref, role]) => ({ ref, role }));
}
