// A lab is code. Everything a lab asks for beyond the safe default is a trust reason: a sentence
// a learner understands, at the line of lab.yaml (or the Dockerfile) that asks for it. A lab with
// reasons runs only once the learner trusted it; bundled labs are trusted by being bundled.
import type { Diagnostic } from './diagnostics.js';
import type { FieldPath, Finding } from './lab-yaml.js';
import { type Lab, SAFE_CAPABILITIES } from './schema.js';
import { DEFAULTS as CONTAINER_DEFAULTS } from '../machines/container-spec.js';

/** What one lab may take without trust, summed over all its machines. Every bundled lab fits. */
export const DEFAULT_BUDGET = { machines: 8, memoryMb: 2048, cpus: 8, pids: 4096 } as const;

/** A VM's memory, CPUs and disk size when lab.yaml does not say (vm-machine's defaults). */
export const VM_DEFAULTS = { memoryMb: 256, cpus: 1, diskMb: 256 } as const;

/** Ports below this need privileges on the engine host and belong to well-known services. */
const FIRST_UNPRIVILEGED_PORT = 1024;

const CAPABILITY_WHY: Record<string, string> = {
  SYS_ADMIN: 'mount file systems and much more — the classic way out of a container to root on the Docker host',
  SYS_PTRACE: 'read and change the memory of other processes',
  SYS_MODULE: 'load code into the Docker host\'s kernel',
  SYS_TIME: 'set the Docker host\'s clock',
  SYS_RAWIO: 'read and write the host\'s devices and memory directly',
  SYS_BOOT: 'reboot the Docker host',
  NET_ADMIN: 'reconfigure networking: interfaces, routes, firewall rules',
  NET_RAW: 'forge packets on the lab\'s network',
  MKNOD: 'create device files',
  SETPCAP: 'grant capabilities to programs',
  SETFCAP: 'grant capabilities to program files',
  DAC_READ_SEARCH: 'open files by handle, bypassing the paths a container may see',
  BPF: 'load programs into the kernel',
  PERFMON: 'watch other processes through the kernel\'s performance counters',
};

export interface TrustInput {
  lab: Lab;
  /** Turns a finding (a field path and a sentence) into a position in lab.yaml. */
  locate: (finding: Finding) => Diagnostic;
  /** For each image that starts FROM a declared foreign image: where, and which. */
  foreignFrom: Array<{ file: string; line: number; image: string }>;
}

/** Every reason this lab needs trust, in lab.yaml order; empty when it stays within the safe default. */
export function trustReasons({ lab, locate, foreignFrom }: TrustInput): Diagnostic[] {
  const reasons: Diagnostic[] = [];
  const at = (path: FieldPath, message: string) => reasons.push(locate({ path, message }));
  lab.machines.forEach((m, i) => {
    const here = ['machines', i];
    if (m.kind === 'learner-computer') {
      at([...here, 'kind'], `machine "${m.name}" is a shell on your computer (kind: learner-computer): it can read and change your files`);
      return;
    }
    if (m.kind === 'docker-host') {
      at([...here, 'kind'], `machine "${m.name}" is a root shell on the Docker host (kind: docker-host): it holds the engine's socket and can do anything to the Docker host and its containers`);
      return;
    }
    if (m.outbound) at([...here, 'outbound'], `machine "${m.name}" may reach the internet and the networks around the Docker engine (outbound: true)`);
    (m.ports ?? []).forEach(({ host: port }, j) => {
      if (port !== undefined && port < FIRST_UNPRIVILEGED_PORT) {
        at([...here, 'ports', j, 'host'], `machine "${m.name}" takes port ${port} on your computer, a port reserved for system services`);
      }
    });
    if (m.kind !== 'container') return;
    if (m.privileged) at([...here, 'privileged'], `machine "${m.name}" runs privileged: every capability and the host's devices, enough to take over the Docker host`);
    (m.capabilities ?? []).forEach((cap, j) => {
      if ((SAFE_CAPABILITIES as readonly string[]).includes(cap)) return;
      const why = CAPABILITY_WHY[cap] ?? 'act beyond what the container owns';
      at([...here, 'capabilities', j], `machine "${m.name}" gets capability ${cap}: it can ${why}`);
    });
  });
  if (lab.build?.network) at(['build', 'network'], 'its image builds may download from the network (build.network: true)');
  for (const f of foreignFrom) {
    reasons.push({ file: f.file, line: f.line, col: 1, message: `an image builds FROM ${f.image}, an image from outside Labvisor (build.from)` });
  }
  reasons.push(...overBudget(lab, locate));
  return reasons;
}

/** What the lab's machines take together, as the budget counts it. */
export function labFootprint(lab: Lab): { machines: number; memoryMb: number; cpus: number; pids: number } {
  let memoryMb = 0;
  let cpus = 0;
  let pids = 0;
  for (const m of lab.machines) {
    if (m.kind === 'container') {
      memoryMb += m.resources?.memoryMb ?? CONTAINER_DEFAULTS.memoryMb;
      cpus += m.resources?.cpus ?? CONTAINER_DEFAULTS.cpus;
      pids += m.resources?.pids ?? CONTAINER_DEFAULTS.pids;
    } else if (m.kind === 'vm') {
      memoryMb += m.memoryMb ?? VM_DEFAULTS.memoryMb;
      cpus += m.cpus ?? VM_DEFAULTS.cpus;
    }
  }
  return { machines: lab.machines.length, memoryMb, cpus, pids };
}

function overBudget(lab: Lab, locate: TrustInput['locate']): Diagnostic[] {
  const used = labFootprint(lab);
  const b = DEFAULT_BUDGET;
  const over = [
    used.machines > b.machines ? `${used.machines} machines (the budget is ${b.machines})` : '',
    used.memoryMb > b.memoryMb ? `${used.memoryMb} MiB of memory in all (the budget is ${b.memoryMb} MiB)` : '',
    used.cpus > b.cpus ? `${used.cpus} CPUs in all (the budget is ${b.cpus})` : '',
    used.pids > b.pids ? `up to ${used.pids} processes in all (the budget is ${b.pids})` : '',
  ].filter(Boolean);
  return over.map((what) => locate({ path: ['machines'], message: `it takes ${what}` }));
}
