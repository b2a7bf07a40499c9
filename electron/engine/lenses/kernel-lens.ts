// The kernel lens: the same few facts read inside each machine — kernel release, boot id,
// uptime, memory, CPUs, hostname. Containers report the host's kernel and boot id (they are
// host processes); a VM reports its own. Grouped by whether the boot id is the host's.
import type Docker from 'dockerode';
import type { KernelLens, LensMachineKind } from '../../shared/api.js';
import { helperLabels, LABEL } from '../labels.js';
import { RUNNER_LABEL } from '../machines/vm/vm-machine.js';
import { runHelper } from '../machines/helper-container.js';
import type { MachineRunner } from './machine-access.js';

/**
 * A machine as the lens reports it: the API's KernelLens (shared/api-types.ts), which the hosts
 * return as is. `name` is "host" or the machine's container; `error` says why its facts are missing.
 */
type MachineKernel = KernelLens['machines'][number];
/** The facts one machine answered, all of them: what FACTS_SCRIPT prints. */
export type KernelFacts = Required<Pick<MachineKernel, 'kernel' | 'bootId' | 'uptimeS' | 'memTotalKb' | 'cpus' | 'hostname'>>;

/** Busybox and any Linux shell: one fact per line, in KernelFacts order. */
export const FACTS_SCRIPT = [
  'uname -r', 'cat /proc/sys/kernel/random/boot_id', "cut -d' ' -f1 /proc/uptime",
  "sed -n 's/^MemTotal: *\\([0-9]*\\).*/\\1/p' /proc/meminfo", 'grep -c ^processor /proc/cpuinfo', 'hostname',
].join('; ');

export function parseFacts(text: string): KernelFacts | undefined {
  const [kernel, bootId, uptime, mem, cpus, hostname] = text.trim().split('\n').map((l) => l.trim());
  if (!kernel || !bootId || !/^[0-9a-f-]{36}$/.test(bootId)) return undefined;
  return { kernel, bootId, uptimeS: Number(uptime) || 0, memTotalKb: Number(mem) || 0, cpus: Number(cpus) || 0, hostname: hostname ?? '' };
}

export interface KernelLensOptions {
  session?: string;
  run: MachineRunner;
}

export async function kernelLens(docker: Docker, opts: KernelLensOptions): Promise<KernelLens> {
  // The Docker host's facts through a helper in its namespaces: its hostname too, not the helper's.
  const hostText = (await runHelper(docker, { cmd: ['/bin/sh', '-c', FACTS_SCRIPT], labels: helperLabels(), hostNamespaces: true })).stdout;
  const host = parseFacts(hostText);
  const wanted = (session: string | undefined) => opts.session === undefined || session === opts.session;
  const containers = await docker.listContainers({ filters: { label: [LABEL.session] } });
  const targets: Array<{ name: string; kind: LensMachineKind; session: string; machine: string }> = [];
  for (const c of containers) {
    const session = c.Labels[LABEL.session]!;
    const name = c.Names[0]?.replace(/^\//, '') ?? '';
    if (!wanted(session) || c.Labels[LABEL.role] !== 'machine' || !name.startsWith(`lv-${session}-`)) continue;
    targets.push({ name, kind: c.Labels[RUNNER_LABEL] ? 'vm' : 'container', session, machine: name.slice(`lv-${session}-`.length) });
  }

  const machines: MachineKernel[] = [
    host ? { name: 'host', kind: 'host', ...host, sharesHostKernel: true } : { name: 'host', kind: 'host', sharesHostKernel: true, error: 'the host did not answer' },
  ];
  const read = await Promise.all(targets.map(async (t) => ({ t, facts: parseFacts(await opts.run(t.session, t.machine, t.kind, FACTS_SCRIPT) ?? '') })));
  for (const { t, facts } of read) {
    machines.push(facts
      ? { name: t.name, kind: t.kind, session: t.session, ...facts, sharesHostKernel: host !== undefined && facts.bootId === host.bootId }
      : { name: t.name, kind: t.kind, session: t.session, sharesHostKernel: false, error: `${t.kind} "${t.machine}" did not answer` });
  }
  return { machines };
}
