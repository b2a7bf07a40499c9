// The machine the figures come from: without it a benchmark result means nothing.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { promisify } from 'node:util';

const run = promisify(execFile);
const firstLine = async (cmd: string, args: string[]) =>
  run(cmd, args, { timeout: 10_000 }).then((r) => r.stdout.split('\n')[0]!.trim(), () => 'unavailable');

export interface MachineInfo {
  cpu: string; cores: number; memoryGb: number; os: string; kernel: string; node: string;
  docker: string; qemu: string; chromium: string;
  /** Filled in by the VM metrics: the runner image's QEMU (not this computer's), the accelerator the VMs really booted with, and why. */
  accelerator?: string;
  date: string;
}

export async function machineInfo(): Promise<MachineInfo> {
  const release = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return {
    cpu: os.cpus()[0]?.model.trim() ?? 'unknown',
    cores: os.cpus().length,
    memoryGb: Math.round(os.totalmem() / 2 ** 30 * 10) / 10,
    os: /^PRETTY_NAME="?([^"\n]+)/m.exec(release)?.[1] ?? os.type(),
    kernel: os.release(),
    node: process.version,
    docker: await firstLine('docker', ['version', '--format', 'engine {{.Server.Version}}, API {{.Server.APIVersion}}']),
    qemu: 'not read (no VM figure ran)',
    chromium: await firstLine('/usr/bin/chromium', ['--version']),
    date: new Date().toISOString(),
  };
}
