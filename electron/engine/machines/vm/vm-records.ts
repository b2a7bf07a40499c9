// A record per running QEMU process in the data dir, so gc can kill the ones whose owner
// died (a runner killed with SIGKILL cannot take its VMs along). A record is only a file in the
// data dir, so its runDir is checked before it is removed.
import { lstat, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { dataDir } from '../../paths.js';
import { currentOwner, formatOwner, ownerState, parseOwner, processStartTime } from '../../owner.js';

export interface VmRecord { session: string; machine: string; pid: number; pidStart: string; owner: string; runDir: string }

/** A record collected; `runDirKept` says why its runDir was left where it is. */
export type CollectedVm = VmRecord & { runDirKept?: string };

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

/**
 * Why `rec.runDir` must not be removed, or undefined when it may be: only what VmMachine makes
 * (mkdtemp of `lv-<session>-<machine>-` in the temp dir) and only a real directory, never a
 * symlink, so a forged or corrupt record cannot point rm -rf at the learner's files.
 */
export async function runDirRefusal(rec: VmRecord): Promise<string | undefined> {
  const dir = String(rec.runDir);
  const name = basename(dir);
  if (resolve(dirname(dir)) !== resolve(tmpdir()) || resolve(dir) !== dir) return `${dir} is not directly in ${tmpdir()}`;
  if (!name.startsWith(`lv-${rec.session}-${rec.machine}-`) || !/^[A-Za-z0-9]{6}$/.test(name.slice(`lv-${rec.session}-${rec.machine}-`.length))) {
    return `${dir} is not named lv-${rec.session}-${rec.machine}-XXXXXX`;
  }
  const stat = await lstat(dir).catch(() => undefined);
  if (!stat) return undefined; // already gone: rm has nothing to do
  if (!stat.isDirectory()) return `${dir} is ${stat.isSymbolicLink() ? 'a symbolic link' : 'not a directory'}`;
  return undefined;
}

/** Kills and forgets the VMs of `session`, or of every session whose owner is dead. */
export async function collectVms(match: {
  session?: string;
  deadOwners?: boolean;
  all?: boolean;
  /** Sessions to leave alone (kept on purpose). */
  except?: ReadonlySet<string>;
}): Promise<CollectedVm[]> {
  const taken: CollectedVm[] = [];
  for (const rec of await readVmRecords()) {
    const dead = match.deadOwners && !match.except?.has(rec.session) && ownerState(parseOwner(rec.owner)) === 'dead';
    const hit = match.all || rec.session === match.session || dead;
    if (!hit) continue;
    killRecordedVm(rec);
    const runDirKept = await runDirRefusal(rec);
    if (!runDirKept) await rm(rec.runDir, { recursive: true, force: true });
    await removeVmRecord(rec.session, rec.machine);
    taken.push(runDirKept ? { ...rec, runDirKept } : rec);
  }
  return taken;
}
