// Why no guest kernel could be had, and the fix: for the usual sources, or for an image
// LABVISOR_KERNEL_IMAGE names that gives none.
import { LabvisorError, reasonList } from '../errors.js';

const SOURCES_FIX = 'on Debian or Ubuntu, sudo apt-get install linux-image-cloud-amd64 (arm64: linux-image-cloud-arm64;' +
  ' for aarch64 guests on another machine, sudo bash scripts/provision-debian.sh downloads Debian\'s arm64 kernel);' +
  ' on other systems, connect to a registry once so the kernel can be built from Debian\'s.';

export class GuestKernelUnavailableError extends LabvisorError {
  constructor(reasons: string[], fix = SOURCES_FIX) {
    super('guest-kernel-unavailable', `No kernel to boot VM machines with could be found or made:\n${reasonList(reasons)}`, { fix });
    this.name = 'GuestKernelUnavailableError';
  }
}

/** The fix when the image LABVISOR_KERNEL_IMAGE names gives no kernel. */
export const SETTING_FIX = 'name an image on the engine in linuxkit\'s layout (/kernel + /kernel.tar) or Labvisor\'s' +
  ' (/boot/vmlinuz-<version> + /lib/modules/<version>) with a kernel for the guests\' CPU, or unset LABVISOR_KERNEL_IMAGE for the usual sources';
