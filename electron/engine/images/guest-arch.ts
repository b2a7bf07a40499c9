// Which CPU a VM machine's guest has: the engine's own by default (no emulation of another
// instruction set on top of the VM), or the one LABVISOR_VM_ARCH forces, so an x86_64 CI
// machine boots aarch64 guests too. The one place that choice is made; the names each tool
// gives an architecture sit beside it.

export type GuestArch = 'x86_64' | 'aarch64';

/** The label of images made for one guest architecture (kernels, foreign base images). */
export const GUEST_ARCH_LABEL = 'io.labvisor.guest-arch';

export const GUEST_ARCHES: readonly GuestArch[] = ['x86_64', 'aarch64'];

/** Docker and Debian say amd64/arm64, the kernel and QEMU x86_64/aarch64. */
export function normalArch(arch: string): string {
  return ({ amd64: 'x86_64', x64: 'x86_64', arm64: 'aarch64' } as Record<string, string>)[arch] ?? arch;
}

const isGuestArch = (arch: string): arch is GuestArch => (GUEST_ARCHES as readonly string[]).includes(arch);

/**
 * The guest architecture of VM machines on `engine`: LABVISOR_VM_ARCH (x86_64|aarch64, amd64 and
 * arm64 also understood) when set, else the engine's. An engine of another CPU (s390x…) has no
 * default: the error says to set the variable.
 */
export function vmGuestArch(engine: { arch: string }, env: NodeJS.ProcessEnv = process.env): GuestArch {
  const forced = env.LABVISOR_VM_ARCH?.trim();
  if (forced) {
    const arch = normalArch(forced);
    if (!isGuestArch(arch)) throw new Error(`LABVISOR_VM_ARCH=${forced} is not a guest architecture Labvisor boots; use x86_64 or aarch64`);
    return arch;
  }
  const arch = normalArch(engine.arch);
  if (!isGuestArch(arch)) throw new Error(`the Docker engine runs on ${engine.arch}, and VM guests are x86_64 or aarch64; set LABVISOR_VM_ARCH to one of them`);
  return arch;
}

/** Debian's name: the `:arm64` of a package, the `-arm64` of a kernel flavour. */
export const debianArch = (arch: GuestArch): 'amd64' | 'arm64' => (arch === 'x86_64' ? 'amd64' : 'arm64');

/** Docker's platform of an image for that CPU. */
export const dockerPlatform = (arch: GuestArch): string => `linux/${debianArch(arch)}`;

/** The QEMU that emulates (or virtualises) that CPU. */
export const qemuSystemBinary = (arch: GuestArch): string => `qemu-system-${arch}`;

/** The Debian package with that QEMU. */
export const qemuSystemPackage = (arch: GuestArch): string => (arch === 'x86_64' ? 'qemu-system-x86' : 'qemu-system-arm');

/** Whether an engine (or ELF) architecture name is this guest architecture. */
export const isArch = (arch: string, guest: GuestArch): boolean => normalArch(arch) === guest;
