// The kernel image LABVISOR_KERNEL_IMAGE names (a workshop's, say), never pulled: one in our
// layout (/boot/vmlinuz-<version> + /lib/modules/<version>) is used as is; one in linuxkit's
// (/kernel + /kernel.tar) is stored in ours once, labelled with the id of the image it came from.
import type Docker from 'dockerode';
import type { progressTask } from '../progress.js';
import { listContainerDir, readContainerFile, withCreatedContainer } from './image-files.js';
import { checkKernelArch, kernelLayout, LAYOUT_PATHS, ourLayoutEntries, presentPaths, readLinuxkitKernel } from './linuxkit-kernel.js';
import { GUEST_ARCH_LABEL, normalArch, type GuestArch } from './guest-arch.js';
import type { KernelSource } from './guest-kernel.js';
import { GuestKernelUnavailableError, SETTING_FIX } from './guest-kernel-error.js';
import { entryDone, importKernel } from './kernel-import.js';
import { KERNEL_FROM_LABEL, KERNEL_VERSION_LABEL, kernelTag, newestKernelImage, type KernelImage } from './kernel-images.js';

/**
 * The kernel image LABVISOR_KERNEL_IMAGE names (`ref`, never pulled): in our layout, itself; in
 * linuxkit's, the `<repo>` image stored from it, made now unless an earlier session made it.
 */
export async function namedKernelImage(
  docker: Docker, ref: string, repo: string, arch: GuestArch, engineArch: string, task: ReturnType<typeof progressTask>,
): Promise<{ image: KernelImage; source: KernelSource }> {
  try {
    const named = await docker.getImage(ref).inspect().catch(() => undefined);
    if (!named) throw new Error('no such image on the Docker engine (nothing is pulled: docker pull or docker load it there first)');
    const storedFrom = [`${KERNEL_FROM_LABEL}=${named.Id}`];
    const stored = await newestKernelImage(docker, repo, arch, engineArch, storedFrom);
    if (stored) return { image: stored, source: 'present' };
    return await withCreatedContainer(docker, ref, async (c) => {
      if (kernelLayout(await presentPaths(c, LAYOUT_PATHS)) === 'labvisor') {
        return { image: await asIsKernelImage(c, ref, named.Id, named.Config?.Labels ?? {}, arch), source: 'present' as const };
      }
      const kernel = await readLinuxkitKernel(c, arch);
      task.update(`storing ${ref} (linuxkit's layout) as ${repo}:${kernelTag(kernel.version, arch)}`);
      await importKernel(docker, async (tar) => {
        for await (const { header, data } of ourLayoutEntries(c, kernel)) await entryDone(tar, header, data);
        tar.finalize();
      }, kernel.version, repo, arch, { [KERNEL_FROM_LABEL]: named.Id });
      const made = await newestKernelImage(docker, repo, arch, engineArch, storedFrom);
      if (!made) throw new Error(`the ${repo} image stored from it vanished right after it was made`);
      return { image: made, source: 'linuxkit' as const };
    });
  } catch (err) {
    task.failed(`${ref} gave no kernel for ${arch} guests`);
    throw new GuestKernelUnavailableError([`LABVISOR_KERNEL_IMAGE=${ref}: ${(err as Error).message}`], SETTING_FIX);
  }
}

/** A named image in our layout: its version (label, else its one /boot/vmlinuz-*) and CPU (label, else the kernel's header). */
async function asIsKernelImage(
  c: Docker.Container, ref: string, id: string, labels: Record<string, string>, arch: GuestArch,
): Promise<KernelImage> {
  let version = labels[KERNEL_VERSION_LABEL];
  if (!version) {
    const kernels = (await listContainerDir(c, '/boot')).filter((name) => name.startsWith('vmlinuz-'));
    if (!kernels.length) throw new Error('the image has no /boot/vmlinuz-<version>');
    if (kernels.length > 1) throw new Error(`the image has several kernels (${kernels.join(', ')}) and no ${KERNEL_VERSION_LABEL} label to choose one`);
    version = kernels[0]!.slice('vmlinuz-'.length);
  }
  const labelled = labels[GUEST_ARCH_LABEL];
  if (labelled && normalArch(labelled) !== arch) throw new Error(`the image is labelled ${GUEST_ARCH_LABEL}=${labelled}, not for ${arch} guests`);
  if (!labelled) checkKernelArch(await readContainerFile(c, `/boot/vmlinuz-${version}`), arch, `/boot/vmlinuz-${version}`);
  return { ref, id, version, tag: kernelTag(version, arch) };
}
