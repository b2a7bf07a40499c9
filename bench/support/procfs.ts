// What the host kernel says about a process: how the bench finds QEMU and weighs it.
import { readdir, readFile } from 'node:fs/promises';

/** Resident memory in KiB (VmRSS). */
export async function rssKb(pid: number): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const m = /^VmRSS:\s+(\d+) kB/m.exec(status);
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Number(m[1]);
}

export async function argv(pid: number): Promise<string[]> {
  return (await readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0').slice(0, -1);
}

/** The one process whose command line contains `needle` (a VM's run folder names its session). */
export async function findProcess(needle: string): Promise<number> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmd = await readFile(`/proc/${entry}/cmdline`, 'utf8').catch(() => '');
    if (cmd.includes(needle)) found.push(Number(entry));
  }
  if (found.length !== 1) throw new Error(`expected one process with "${needle}" in its command line, found ${found.length}`);
  return found[0]!;
}
