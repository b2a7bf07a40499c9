// Finding QEMU for this machine's CPU, its version (verdicts are kept per version), and whether
// it can confine itself with seccomp (-sandbox), probed once per binary.
import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { onPath } from '../../which.js';

const run = promisify(execFile);

export const QEMU = {
  x64: { arch: 'x86_64', bin: 'qemu-system-x86_64', pkg: 'qemu-system-x86' },
  arm64: { arch: 'aarch64', bin: 'qemu-system-aarch64', pkg: 'qemu-system-arm' },
} as const;

export interface QemuBinary {
  path: string;
  version: string;
  arch: 'x86_64' | 'aarch64';
  /** It installs the seccomp filter of SANDBOX: built with seccomp, the sub-options known, the kernel allows it. */
  sandbox: boolean;
}

/**
 * QEMU's seccomp filter, as libvirt sets it: no obsolete syscalls, no setuid and the like, no
 * fork/exec, no scheduler or affinity changes. A guest that breaks out of QEMU lands in this.
 */
export const SANDBOX = 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny';

export class QemuMissingError extends Error {
  constructor(bin: string, pkg: string) {
    super(`${bin} was not found on PATH, so VM machines cannot start.\nFix: sudo apt-get install ${pkg} (macOS: brew install qemu; Windows: install QEMU and add it to PATH).`);
    this.name = 'QemuMissingError';
  }
}

/** Sandbox verdicts by `path|version`, so each binary is probed once per process. */
const sandboxVerdicts = new Map<string, Promise<boolean>>();

/**
 * Starts `path` with SANDBOX and no machine, and has it quit over QMP on stdio: it answers only
 * if the filter was installed. `-help` lists -sandbox even in builds without seccomp, and
 * `-version` exits before the filter is installed, so neither proves it works.
 */
export function probeSandbox(path: string, timeoutMs = 5000): Promise<boolean> {
  return new Promise((resolve) => {
    const proc = spawn(path, ['-sandbox', SANDBOX, '-M', 'none', '-display', 'none', '-nodefaults', '-no-user-config', '-qmp', 'stdio'],
      { stdio: ['pipe', 'pipe', 'ignore'] });
    let out = '';
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.stdout!.on('data', (c: Buffer) => { out += c.toString(); });
    proc.on('error', () => { clearTimeout(timer); resolve(false); });
    // 'close', not 'exit': its stdout is read to the end by then.
    proc.on('close', (code) => { clearTimeout(timer); resolve(code === 0 && out.includes('"return"')); });
    proc.stdin!.on('error', () => {}); // it may exit (no seccomp) before reading
    proc.stdin!.end('{"execute":"qmp_capabilities"}\n{"execute":"quit"}\n');
  });
}

export async function findQemu(): Promise<QemuBinary> {
  const want = process.arch === 'arm64' ? QEMU.arm64 : QEMU.x64;
  const path = await onPath(want.bin);
  if (!path) throw new QemuMissingError(want.bin, want.pkg);
  const { stdout } = await run(path, ['--version']);
  const version = /version (\S+)/.exec(stdout)?.[1] ?? stdout.split('\n')[0]!;
  const key = `${path}|${version}`;
  if (!sandboxVerdicts.has(key)) sandboxVerdicts.set(key, probeSandbox(path));
  return { path, version, arch: want.arch, sandbox: await sandboxVerdicts.get(key)! };
}
