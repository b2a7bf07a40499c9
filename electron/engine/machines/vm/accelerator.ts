// Which accelerator QEMU should use. A hardware one (KVM, HVF, WHPX) when present and not
// known to fail, else TCG. A /dev/kvm can exist and hang (nested virtualisation), so the
// first boot with it is the probe: a VM that does not boot in time marks it hung, and the
// verdict is remembered per QEMU version and host kernel.
import { constants } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { dataDir } from '../../paths.js';
import type { Accelerator } from './qemu-args.js';

export interface Verdict { ok: boolean; detail: string; at: string }
interface VerdictFile { key: string; verdicts: Partial<Record<Accelerator, Verdict>> }

const file = () => join(dataDir(), 'accelerator.json');
const keyFor = (qemuVersion: string) => `${qemuVersion}|${process.platform}|${release()}|${process.arch}`;

async function readVerdicts(qemuVersion: string): Promise<VerdictFile['verdicts']> {
  try {
    const f = JSON.parse(await readFile(file(), 'utf8')) as VerdictFile;
    return f.key === keyFor(qemuVersion) ? f.verdicts : {};
  } catch {
    return {};
  }
}

export async function recordVerdict(qemuVersion: string, accel: Accelerator, ok: boolean, detail: string): Promise<void> {
  const verdicts = { ...await readVerdicts(qemuVersion), [accel]: { ok, detail, at: new Date().toISOString() } };
  await mkdir(dataDir(), { recursive: true });
  await writeFile(file(), JSON.stringify({ key: keyFor(qemuVersion), verdicts }, null, 2));
}

/** Hardware accelerators this host offers, before any verdict. */
export async function hardwareAccelerators(): Promise<Array<{ accel: Accelerator; detail: string }>> {
  if (process.platform === 'darwin') return [{ accel: 'hvf', detail: 'Hypervisor.framework' }];
  if (process.platform === 'win32') return [{ accel: 'whpx', detail: 'Windows Hypervisor Platform' }];
  const usable = await access('/dev/kvm', constants.R_OK | constants.W_OK).then(() => true, () => false);
  return usable ? [{ accel: 'kvm', detail: '/dev/kvm' }] : [];
}

export interface AcceleratorChoice { accel: Accelerator; reason: string }

/** The accelerators to try, best first, with what is known of each; TCG always last. */
export async function acceleratorPlan(qemuVersion: string): Promise<AcceleratorChoice[]> {
  const verdicts = await readVerdicts(qemuVersion);
  const plan: AcceleratorChoice[] = [];
  const notes: string[] = [];
  for (const hw of await hardwareAccelerators()) {
    const v = verdicts[hw.accel];
    if (v && !v.ok) notes.push(`${hw.accel}: present, ${v.detail}`);
    else plan.push({ accel: hw.accel, reason: v ? `${hw.accel}: works` : `${hw.accel}: present, not yet tried` });
  }
  plan.push({ accel: 'tcg', reason: notes.length ? `${notes.join('; ')}; using tcg` : 'tcg: software emulation' });
  return plan;
}
