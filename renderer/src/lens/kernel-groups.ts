// The kernel lens's two groups: machines that run on the host's kernel (the host itself and
// every container) and machines with a kernel of their own (VMs). Pure, unit-tested.
import type { KernelLens } from '../../../electron/shared/api.js';

export type KernelMachine = KernelLens['machines'][number];

export interface KernelGroups {
  shared: KernelMachine[];
  own: KernelMachine[];
  /** The host's boot id, to show which machines share it. */
  hostBootId: string | undefined;
}

const ORDER = { host: 0, container: 1, vm: 2 } as const;

export function groupKernels(lens: KernelLens): KernelGroups {
  const sorted = [...lens.machines].sort((a, b) => ORDER[a.kind] - ORDER[b.kind] || a.name.localeCompare(b.name));
  return {
    shared: sorted.filter((m) => m.sharesHostKernel),
    own: sorted.filter((m) => !m.sharesHostKernel),
    hostBootId: lens.machines.find((m) => m.kind === 'host')?.bootId,
  };
}
