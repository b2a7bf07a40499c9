// What this computer's kernel says about a process the bench spawned here (`labvisor serve`,
// the bare static server). QEMU is not one: it runs in a runner on the engine (runner-qemu.ts).
import { readFile } from 'node:fs/promises';

/** Resident memory in KiB (VmRSS). */
export async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]);
}
