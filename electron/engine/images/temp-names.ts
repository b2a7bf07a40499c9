// Temporary names of the cache writers (a file or folder written whole, then renamed into
// place). They carry the writer's PID so that the next start can tell a temp a killed process
// left (to remove) from one a live process is still writing (to leave alone).
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

/** A hidden temp name beside `target`: `.<name>.<pid>-<random>.tmp`. */
export function tempPath(target: string): string {
  return join(dirname(target), `.${basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
}

/**
 * The PID of the process writing a temp of the data dir: ours (tempPath) or `<file>.<pid>.tmp`
 * of the progress and trust stores. Undefined for any other name.
 */
export function tempWriter(name: string): number | undefined {
  const m = /\.(\d+)(?:-[0-9a-f]{8})?\.tmp$/.exec(name);
  return m ? Number(m[1]) : undefined;
}

const KERNEL_UNPACK = 'labvisor-kernel-';

/** The prefix of a folder in the system's temp dir where a kernel package is unpacked (for mkdtemp). */
export const kernelUnpackPrefix = () => join(tmpdir(), `${KERNEL_UNPACK}${process.pid}-`);

/** The PID that unpacks a kernel package in a folder of the system's temp dir, by its name. */
export function kernelUnpackWriter(name: string): number | undefined {
  const m = new RegExp(`^${KERNEL_UNPACK}(\\d+)-`).exec(name);
  return m ? Number(m[1]) : undefined;
}
