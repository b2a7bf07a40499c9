// The process lens's table: the engine's processes grouped under their owners (host, each
// container, each VM), filtered by what the learner types. Pure, so it is unit-tested.
import type { ProcessLens } from '../../../electron/shared/api.js';

export type LensProcess = ProcessLens['processes'][number];
export type LensOwner = ProcessLens['owners'][number];

export interface ProcessGroup {
  key: string;
  owner: LensOwner;
  /** The processes shown (all, or those the filter matches), by host PID. */
  processes: LensProcess[];
}

export const ownerKey = (o: { kind: string; name: string }): string => `${o.kind}:${o.name}`;

/** Does a process match the filter? Words must all match the command, a PID or the owner's name. */
export function matches(p: LensProcess, query: string): boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return true;
  const hay = `${p.command} ${p.owner.name} ${p.owner.machine ?? ''}`.toLowerCase();
  return words.every((w) => (/^\d+$/.test(w) ? [p.pid, p.nspid, p.ppid].includes(Number(w)) || hay.includes(w) : hay.includes(w)));
}

const KIND_ORDER = { container: 0, vm: 1, host: 2 } as const;

/**
 * Groups in the order a learner looks for them: the lab's containers, then its VMs, then the
 * host (the longest list) last. A filter hides the groups it leaves empty.
 */
export function groupProcesses(lens: ProcessLens, query = ''): ProcessGroup[] {
  const byOwner = new Map<string, LensProcess[]>();
  for (const p of lens.processes) {
    if (!matches(p, query)) continue;
    const key = ownerKey(p.owner);
    byOwner.set(key, [...(byOwner.get(key) ?? []), p]);
  }
  const filtering = query.trim() !== '';
  return lens.owners
    .map((owner) => ({ key: ownerKey(owner), owner, processes: (byOwner.get(ownerKey(owner)) ?? []).sort((a, b) => a.pid - b.pid) }))
    .filter((g) => !filtering || g.processes.length > 0)
    .sort((a, b) => KIND_ORDER[a.owner.kind] - KIND_ORDER[b.owner.kind] || a.owner.name.localeCompare(b.owner.name));
}

/** The process a group's "init" stands for: a container's PID 1, a VM's QEMU. */
export function initProcess(group: ProcessGroup, all: readonly LensProcess[]): LensProcess | undefined {
  const pid = group.owner.initPid ?? group.owner.qemuPid;
  return pid === undefined ? undefined : all.find((p) => p.pid === pid);
}
