// The Docker host's process table, read from its /proc through a read-only helper container in
// the host's PID namespace — the same way for a local engine, Docker Desktop's VM or a remote
// host; never this computer's own /proc.
import type Docker from 'dockerode';
import { runHelper } from '../machines/helper-container.js';
import { helperLabels } from '../labels.js';

export interface ProcEntry {
  pid: number;
  ppid: number;
  /** The PID in each nested PID namespace, outermost first (`NSpid`); the last is what the process sees. */
  nspid: number[];
  /** The command line, or `[name]` for a kernel thread. */
  command: string;
  rssKb: number;
  /** The 64-hex id of the Docker container whose cgroup holds it. */
  containerId?: string;
}

/** Fields of /proc/PID/status that the lens uses. */
export function parseStatus(text: string): { name: string; ppid: number; nspid: number[]; rssKb: number } {
  const field = (key: string) => new RegExp(`^${key}:\\s*(.*)$`, 'm').exec(text)?.[1]?.trim() ?? '';
  return {
    name: field('Name'),
    ppid: Number(field('PPid')) || 0,
    nspid: field('NSpid').split(/\s+/).filter(Boolean).map(Number),
    rssKb: Number(/^(\d+)/.exec(field('VmRSS'))?.[1] ?? 0),
  };
}

/**
 * The container of a process from /proc/PID/cgroup: cgroup v1 and v2, cgroupfs
 * (`/docker/<id>`) and systemd (`docker-<id>.scope`) drivers.
 */
export function containerIdFromCgroup(text: string): string | undefined {
  return /(?:\/docker\/|docker-)([0-9a-f]{64})(?:\.scope)?(?:\/|$)/m.exec(text)?.[1];
}

function entry(pid: number, status: string, cgroup: string, cmdline: string): ProcEntry | undefined {
  if (!status) return undefined;
  const s = parseStatus(status);
  const args = cmdline.split('\0').filter(Boolean).join(' ');
  const containerId = containerIdFromCgroup(cgroup);
  return {
    pid, ppid: s.ppid, nspid: s.nspid.length ? s.nspid : [pid], command: args || `[${s.name}]`, rssKb: s.rssKb,
    ...(containerId ? { containerId } : {}),
  };
}

const MARK = '@@lv-proc';

/**
 * What the helper prints for each process: a marker line with the PID, then status, cgroup and
 * cmdline. The helper lists itself too, so the marker is put together at run time: its own
 * command line never holds it.
 */
const DUMP_SCRIPT = `m='${MARK.slice(0, 4)}'; m="$m${MARK.slice(4)}"
for d in /proc/[0-9]*; do
  p=\${d#/proc/}
  s=$(cat $d/status 2>/dev/null) || continue
  echo "$m $p"; echo "$s"; echo "$m-cgroup"; cat $d/cgroup 2>/dev/null
  echo "$m-cmdline"; tr '\\0' ' ' < $d/cmdline 2>/dev/null; echo
done`;

/** Parses the helper's dump (see DUMP_SCRIPT). */
export function parseProcDump(text: string): ProcEntry[] {
  const out: ProcEntry[] = [];
  for (const block of text.split(`${MARK} `).slice(1)) {
    const nl = block.indexOf('\n');
    const pid = Number(block.slice(0, nl));
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const [status = '', rest = ''] = block.slice(nl + 1).split(`${MARK}-cgroup\n`);
    const [cgroup = '', cmd = ''] = rest.split(`${MARK}-cmdline\n`);
    const e = entry(pid, status, cgroup, cmd.trim().replace(/ /g, '\0'));
    if (e) out.push(e);
  }
  return out.sort((a, b) => a.pid - b.pid);
}

/** The engine host's /proc through a helper container sharing its PID namespace (read-only, no capabilities, no network). */
export async function readEngineHostProcs(docker: Docker): Promise<ProcEntry[]> {
  const r = await runHelper(docker, { cmd: ['/bin/sh', '-c', DUMP_SCRIPT], labels: helperLabels(), pidHost: true, maxOutput: 16 << 20 });
  if (r.exitCode !== 0 && !r.stdout) throw new Error(`the process helper failed (exit ${r.exitCode}): ${r.stderr.trim()}`);
  return parseProcDump(r.stdout);
}
