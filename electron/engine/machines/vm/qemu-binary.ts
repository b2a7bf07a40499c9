// Finding QEMU for this machine's CPU, and its version (verdicts are kept per version).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { onPath } from '../../which.js';

const run = promisify(execFile);

export const QEMU = {
  x64: { arch: 'x86_64', bin: 'qemu-system-x86_64', pkg: 'qemu-system-x86' },
  arm64: { arch: 'aarch64', bin: 'qemu-system-aarch64', pkg: 'qemu-system-arm' },
} as const;

export interface QemuBinary { path: string; version: string; arch: 'x86_64' | 'aarch64' }

export class QemuMissingError extends Error {
  constructor(bin: string, pkg: string) {
    super(`${bin} was not found on PATH, so VM machines cannot start.\nFix: sudo apt-get install ${pkg} (macOS: brew install qemu; Windows: install QEMU and add it to PATH).`);
    this.name = 'QemuMissingError';
  }
}

export async function findQemu(): Promise<QemuBinary> {
  const want = process.arch === 'arm64' ? QEMU.arm64 : QEMU.x64;
  const path = await onPath(want.bin);
  if (!path) throw new QemuMissingError(want.bin, want.pkg);
  const { stdout } = await run(path, ['--version']);
  const version = /version (\S+)/.exec(stdout)?.[1] ?? stdout.split('\n')[0]!;
  return { path, version, arch: want.arch };
}
