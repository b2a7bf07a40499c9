// Every process a host terminal started, to end them all when it closes. A shell with job
// control puts `cmd &` in a process group of its own, so signalling the shell's group is not
// enough; the tree is read before any kill, since orphans lose their parent link.
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';

interface Proc { pid: number; ppid: number; sid: number }

/** On Linux from /proc (with the session id); elsewhere from ps. */
async function listProcesses(): Promise<Proc[]> {
  if (process.platform === 'linux') {
    const pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p));
    const procs = await Promise.all(pids.map(async (p) => {
      const stat = await readFile(`/proc/${p}/stat`, 'utf8').catch(() => '');
      // Fields after the command name, which may itself hold spaces and parentheses.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return stat ? { pid: Number(p), ppid: Number(f[1]), sid: Number(f[3]) } : undefined;
    }));
    return procs.filter((p): p is Proc => p !== undefined);
  }
  const out = await new Promise<string>((resolve) =>
    execFile('ps', ['-A', '-o', 'pid=', '-o', 'ppid='], (err, stdout) => resolve(err ? '' : stdout)));
  return out.trim().split('\n').map((l) => l.trim().split(/\s+/).map(Number))
    .map(([pid, ppid]) => ({ pid: pid!, ppid: ppid!, sid: -1 }));
}

/** The pids of `root`, its descendants and the members of its session (root leads one: a pty's shell). */
export async function processTree(root: number): Promise<number[]> {
  const procs = await listProcesses();
  const tree = new Set([root]);
  for (const p of procs) if (p.sid === root) tree.add(p.pid);
  for (let grew = true; grew;) {
    grew = false;
    for (const p of procs) if (tree.has(p.ppid) && !tree.has(p.pid)) { tree.add(p.pid); grew = true; }
  }
  return [...tree];
}

/** SIGHUP (what a closed terminal sends), then SIGKILL for whatever is left after `graceMs`. */
export async function killTree(pids: number[], graceMs: number): Promise<void> {
  const signal = (sig: NodeJS.Signals) => pids.filter((pid) => {
    try { process.kill(pid, sig); return true; } catch { return false; }
  });
  if (!signal('SIGHUP').length) return;
  await new Promise((r) => setTimeout(r, graceMs));
  signal('SIGKILL');
}
