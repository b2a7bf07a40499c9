// Which accelerator QEMU should use. A hardware one (KVM, HVF, WHPX) when present and not
// known to fail, else TCG. A /dev/kvm can exist and hang (nested virtualisation) or make QEMU
// abort, so the first boot with it is the probe: a VM that does not boot with it but does with
// TCG marks it failed, and the verdict is remembered per QEMU version and host kernel.
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { access, mkdir, readFile, writeFile } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { dataDir } from '../../paths.js';
import type { Accelerator } from './qemu-args.js';
import type { QemuBinary } from './qemu-binary.js';

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

/**
 * Boots `vmlinuz` without an initramfs just far enough to print its banner: a hardware
 * accelerator that hangs prints nothing. The verdict is recorded. For doctor, before any VM.
 */
export async function probeAccelerator(qemu: QemuBinary, accel: Accelerator, vmlinuz: string, deadlineMs = 10_000): Promise<Verdict> {
  const machine = qemu.arch === 'x86_64' ? `microvm,accel=${accel}` : `virt,accel=${accel}`;
  const proc = spawn(qemu.path, [
    '-M', machine, '-cpu', 'host', '-m', '128', '-nodefaults', '-no-user-config', '-nographic', '-no-reboot',
    '-serial', 'stdio', '-kernel', vmlinuz, '-append', 'console=ttyS0 earlyprintk=ttyS0 panic=-1 reboot=t',
  ], { stdio: ['ignore', 'pipe', 'pipe'] });
  const began = Date.now();
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-4000); });
  const outcome = await new Promise<'booted' | 'hung' | 'exited'>((resolve) => {
    let out = '';
    const timer = setTimeout(() => resolve('hung'), deadlineMs);
    proc.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('Linux version')) { clearTimeout(timer); resolve('booted'); }
    });
    proc.once('exit', () => { clearTimeout(timer); resolve('exited'); });
  });
  proc.kill('SIGKILL');
  const booted = outcome === 'booted';
  // QEMU can abort at once with a hardware accelerator it cannot drive (an MSR it cannot set).
  const qemuSaid = /qemu-system-\S+: (?:error: )?(.+)/.exec(stderr)?.[1]?.slice(0, 160);
  const detail = booted ? `kernel started in ${((Date.now() - began) / 1000).toFixed(1)} s`
    : outcome === 'hung' ? `hung in ${deadlineMs / 1000} s` : `failed (${qemuSaid ?? 'QEMU exited'})`;
  await recordVerdict(qemu.version, accel, booted, detail);
  return { ok: booted, detail, at: new Date().toISOString() };
}
