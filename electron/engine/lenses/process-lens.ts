// The process lens: the Docker host's process table grouped by owner. A container's processes
// are host processes in the container's cgroup (each with a second, inner PID: NSpid); a VM is
// one QEMU process (its runner container's first), whatever runs inside it — the guest's processes belong to another kernel,
// so the lens counts them through the VM's agent instead of finding them here.
import type Docker from 'dockerode';
import type { ProcessLens } from '../../shared/api.js';
import { LABEL } from '../labels.js';
import { RUNNER_LABEL } from '../machines/vm/vm-machine.js';
import type { MachineRunner } from './machine-access.js';
import { readEngineHostProcs } from './proc-table.js';

// The lens's shapes are the API's ProcessLens (shared/api-types.ts), which the hosts return as is.
// A process's `nspid` is its PID inside its own namespace (its pid on the host); an owner's
// `initPid` is a container's first process as `docker inspect` reports it, `qemuPid` a VM's QEMU,
// `guestProcesses` how many processes the guest's own kernel runs (from its agent).
type LensProcess = ProcessLens['processes'][number];
type ProcessOwner = LensProcess['owner'];
type OwnerSummary = ProcessLens['owners'][number];

export interface ProcessLensOptions {
  /** Only this session's containers and VMs (host processes are always listed). */
  session?: string;
  /** Counts the guest's processes of VMs; without it the count is left out. */
  run?: MachineRunner;
}

const HOST: ProcessOwner = { kind: 'host', name: 'host' };
const GUEST_COUNT = 'ls -d /proc/[0-9]* | wc -l';

/** One owner: what its processes carry, and its totals. */
interface Group { owner: ProcessOwner; summary: OwnerSummary }

const group = (owner: ProcessOwner, extra: Partial<OwnerSummary> = {}): Group => ({ owner, summary: { ...owner, ...extra, processes: 0, rssKb: 0 } });

export async function processLens(docker: Docker, opts: ProcessLensOptions): Promise<ProcessLens> {
  const [procs, containers] = await Promise.all([readEngineHostProcs(docker), docker.listContainers()]);
  const wanted = (session: string | undefined) => opts.session === undefined || session === opts.session;

  const byContainer = new Map<string, Group>();
  for (const c of containers) {
    const session = c.Labels?.[LABEL.session];
    // The Docker host view's shells are the learner's hands on the Docker host: listed as the host's.
    if (!wanted(session) || c.Labels?.[LABEL.role] === 'host-view') continue;
    const name = c.Names[0]?.replace(/^\//, '') ?? c.Id.slice(0, 12);
    const machine = session && name.startsWith(`lv-${session}-`) ? name.slice(`lv-${session}-`.length) : undefined;
    const kind = c.Labels?.[RUNNER_LABEL] ? 'vm' : 'container';
    byContainer.set(c.Id, group({ kind, name, ...(session ? { session } : {}), ...(machine ? { machine } : {}) }));
  }
  const host = group(HOST);

  const processes: LensProcess[] = [];
  for (const p of procs) {
    const g = p.containerId ? byContainer.get(p.containerId) : host;
    // A container outside the session asked for (or one that just stopped): not listed.
    if (!g) continue;
    const nspid = p.nspid.at(-1) ?? p.pid;
    // A VM is its runner's first process, QEMU; the rest of the runner is Labvisor's channel to the guest's agent.
    if (g.owner.kind === 'vm' && nspid !== 1) continue;
    g.summary.processes++;
    g.summary.rssKb += p.rssKb;
    // The container's first process is PID 1 of its namespace; docker inspect reports its host PID.
    if (nspid === 1) {
      if (g.owner.kind === 'container') g.summary.initPid = p.pid;
      else if (g.owner.kind === 'vm') g.summary.qemuPid = p.pid;
    }
    processes.push({ pid: p.pid, ppid: p.ppid, nspid, command: p.command, rssKb: p.rssKb, owner: g.owner });
  }

  const groups = [...byContainer.values()];
  if (opts.run) {
    await Promise.all(groups.filter((g) => g.owner.kind === 'vm' && g.summary.processes > 0).map(async ({ owner, summary }) => {
      const out = await opts.run!(owner.session!, owner.machine!, 'vm', GUEST_COUNT);
      const n = Number(out?.trim());
      if (out !== undefined && Number.isInteger(n)) summary.guestProcesses = n;
    }));
  }
  const owners = [host, ...groups].map((g) => g.summary);
  return { processes, owners };
}
