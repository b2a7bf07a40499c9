// What a VM machine is started from: the runner container's name, networks, disks and labels,
// the guest's CPU, memory and ports, and what the accelerator verdict is keyed to.

export interface VmSpec {
  session: string;
  machine: string;
  /** The runner container's name. */
  container: string;
  arch: 'x86_64' | 'aarch64';
  /** The guest runs the engine's own CPU architecture (so KVM may be tried). */
  sameArch: boolean;
  /** The runner image whose QEMU runs (the accelerator verdict is about its build). */
  runnerImage: string;
  /** The runner image with the guest's kernel and initramfs in /vm (vm-boot-image.ts): what the runner starts from. */
  bootImage: string;
  memoryMb: number;
  cpus: number;
  hostname: string;
  ports: number[];
  /** Virtio disks: each an image in the engine volume `volume`, mounted by the runner. */
  disks?: Array<{ volume: string; path: string; sizeMb: number }>;
  network: string;
  /** A routed network the runner also joins: only for a VM trusted with outbound access. */
  egressNetwork?: string;
  labels: Record<string, string>;
  /** For the accelerator verdict: it holds for this engine kernel and runner build. */
  engineKernel: string;
}
