// How kernel images are named and found on the engine: the labels a kernel image carries (its
// role, guest CPU and version), its tag per CPU, and the newest one for a guest CPU.
import type Docker from 'dockerode';
import { LABEL } from '../labels.js';
import { debianArch, GUEST_ARCH_LABEL, isArch, normalArch, type GuestArch } from './guest-arch.js';

/** The kernel release an image holds (its tag may add the architecture). */
export const KERNEL_VERSION_LABEL = 'io.labvisor.kernel-version';

/** On a kernel stored from a linuxkit-layout image: that image's id, so the next session finds it. */
export const KERNEL_FROM_LABEL = 'io.labvisor.kernel-from';

const KERNEL_LABELS = { [LABEL.role]: 'kernel' };

/** The labels of an `arch` kernel image (with its version once that is known). */
export const kernelLabels = (arch: GuestArch, version?: string): Record<string, string> =>
  ({ ...KERNEL_LABELS, [GUEST_ARCH_LABEL]: arch, ...(version ? { [KERNEL_VERSION_LABEL]: version } : {}) });

/**
 * The tag of a kernel image: the version for x86_64 (as always); for aarch64 the version with
 * -arm64, unless it says arm64 already, so one engine can hold both without a mix-up.
 */
export function kernelTag(version: string, arch: GuestArch): string {
  if (arch === 'x86_64' || /(^|[-_.])(arm64|aarch64)$/.test(version)) return version;
  return `${version}-${debianArch(arch)}`;
}

export interface KernelImage { ref: string; id: string; version: string; tag: string }

/**
 * The newest `<repo>:<tag>` kernel image for `arch` (with the labels `also`, `key=value`). An image
 * without the architecture label was made before there was a choice: for the engine's CPU, and
 * its tag is its version.
 */
export async function newestKernelImage(
  docker: Docker, repo: string, arch: GuestArch, engineArch: string, also: string[] = [],
): Promise<KernelImage | undefined> {
  const images = await docker.listImages({ filters: { reference: [repo], label: [`${LABEL.role}=kernel`, ...also] } });
  for (const image of images.sort((a, b) => b.Created - a.Created)) {
    const labelled = image.Labels?.[GUEST_ARCH_LABEL];
    if (labelled ? normalArch(labelled) !== arch : !isArch(engineArch, arch)) continue;
    const ref = image.RepoTags?.find((t) => t.startsWith(`${repo}:`));
    if (!ref) continue;
    const tag = ref.slice(repo.length + 1);
    return { ref, id: image.Id, tag, version: image.Labels?.[KERNEL_VERSION_LABEL] || tag };
  }
  return undefined;
}
