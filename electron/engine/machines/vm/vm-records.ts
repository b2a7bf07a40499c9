// A record per running QEMU process in the data dir, so gc can kill the ones whose owner
// died (a runner killed with SIGKILL cannot take its VMs along).
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataDir } from '../../paths.js';
import { currentOwner, formatOwner, ownerState, parseOwner, processStartTime } from '../../owner.js';

export interface VmRecord { session: string; machine: string; pid: number; pidStart: string; owner: string; runDir: string }

const vmsDir = () => join(dataDir(), 'vms');
const recordFile = (session: string, machine: string) => join(vmsDir(), `${session}-${machine}.json`);

export async function writeVmRecord(session: string, machine: string, pid: number, runDir: string): Promise<void> {
  await mkdir(vmsDir(), { recursive: true });
  const rec: VmRecord = { session, machine, pid, pidStart: processStartTime(pid) ?? '', owner: formatOwner(currentOwner()), runDir };
  await writeFile(recordFile(session, machine), JSON.stringify(rec, null, 2));
}

export async function removeVmRecord(session: string, machine: string): Promise<void> {
  await rm(recordFile(session, machine), { force: true });
}

export async function readVmRecords(): Promise<VmRecord[]> {
  const files = (await readdir(vmsDir()).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
  const recs = await Promise.all(files.map((f) => readFile(join(vmsDir(), f), 'utf8').then((t) => JSON.parse(t) as VmRecord, () => undefined)));
  return recs.filter((r): r is VmRecord => !!r);
}

/** Kills the QEMU process of a record if it is still that process (not a reused PID). */
export function killRecordedVm(rec: VmRecord): boolean {
  const start = processStartTime(rec.pid);
  if (start === undefined || (rec.pidStart && start !== rec.pidStart)) return false;
  try { process.kill(rec.pid, 'SIGKILL'); return true; } catch { return false; }
}

/** Kills and forgets the VMs of `session`, or of every session whose owner is dead. */
export async function collectVms(match: {
  session?: string;
  deadOwners?: boolean;
  all?: boolean;
  /** Sessions to leave alone (kept on purpose). */
  except?: ReadonlySet<string>;
}): Promise<VmRecord[]> {
  const taken: VmRecord[] = [];
  for (const rec of await readVmRecords()) {
    const dead = match.deadOwners && !match.except?.has(rec.session) && ownerState(parseOwner(rec.owner)) === 'dead';
    const hit = match.all || rec.session === match.session || dead;
    if (!hit) continue;
    killRecordedVm(rec);
    await rm(rec.runDir, { recursive: true, force: true });
    await removeVmRecord(rec.session, rec.machine);
    taken.push(rec);
  }
  return taken;
}
