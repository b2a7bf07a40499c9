// The raw-QEMU baseline: the very command line our VM ran (read from /proc), with its own
// sockets, the same kernel and initramfs, plus one extra cpio member — an init that prints a
// ready line at once (then, for the memory figure, MemFree now and then) — chosen with rdinit=.
// Linux unpacks concatenated initramfs archives in order, so the guest's files are all there.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { NewcWriter } from '../../electron/engine/images/cpio-newc.js';
import { connectUnix } from '../../electron/engine/machines/vm/line-socket.js';
import { defer } from '../cleanup.js';
import { since } from '../measure.js';
import { rssKb } from './procfs.js';

const INIT = '/lv-bench-init';
const READY = 'LV-BENCH-READY';
const INIT_SCRIPT = `#!/labvisor/busybox sh
echo ${READY}
/labvisor/busybox mkdir -p /proc
/labvisor/busybox mount -t proc proc /proc
while :; do echo "LV-BENCH-MEM $(/labvisor/busybox grep MemFree /proc/meminfo)"; /labvisor/busybox sleep 1; done
`;

/** Our initramfs with the ready-only init appended, in a temp folder removed at cleanup. */
export async function baselineInitrd(ours: string): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'lvbench-initrd-'));
  defer(`folder ${dir}`, () => rm(dir, { recursive: true, force: true }));
  const writer = new NewcWriter(join(dir, 'init.cpio'));
  await writer.add({ name: INIT.slice(1), type: 'file', mode: 0o755 }, Buffer.from(INIT_SCRIPT));
  await writer.finish();
  const target = join(dir, 'initrd.cpio.gz');
  await pipeline(createReadStream(ours), createWriteStream(target));
  await pipeline(createReadStream(join(dir, 'init.cpio')), createGzip(), createWriteStream(target, { flags: 'a' }));
  return target;
}

export interface RawBoot { readyMs: number; rssKb: number; memFreeKb: number }

/**
 * Boots `args` (our QEMU's argv minus the binary) with its run folder swapped for a fresh one,
 * the baseline initrd and rdinit=; measures spawn → ready line, then after `settleMs` the RSS.
 */
export async function rawBoot(qemu: string, ourArgs: string[], ourRunDir: string, initrd: string, settleMs: number): Promise<RawBoot> {
  const runDir = await mkdtemp(join(tmpdir(), `lvbench-qemu-${randomBytes(3).toString('hex')}-`));
  const args = ourArgs.map((a) => a.split(ourRunDir).join(runDir));
  args[args.indexOf('-initrd') + 1] = initrd;
  args[args.indexOf('-append') + 1] += ` rdinit=${INIT}`;
  const t0 = performance.now();
  const proc = spawn(qemu, args, { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  const kill = defer(`QEMU ${proc.pid}`, async () => {
    proc.kill('SIGKILL');
    await rm(runDir, { recursive: true, force: true });
  });
  let stderr = '';
  proc.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  try {
    const console = await connectUnix(join(runDir, 'console.sock'), 10_000);
    let out = '';
    const ready = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`raw QEMU: no ready line in 90 s; console: ${out.slice(-300)} stderr: ${stderr}`)), 90_000);
      console.on('data', (c: Buffer) => {
        out = (out + c.toString()).slice(-4000);
        if (out.includes(READY)) {
          clearTimeout(timer);
          resolve(since(t0));
        }
      });
      proc.once('exit', (code) => reject(new Error(`raw QEMU exited (${code}): ${stderr}`)));
    });
    await new Promise((r) => setTimeout(r, settleMs));
    const rss = await rssKb(proc.pid!);
    const mem = [...out.matchAll(/LV-BENCH-MEM MemFree:\s+(\d+) kB/g)].at(-1);
    if (!mem) throw new Error(`raw QEMU: the init printed no MemFree; console: ${out.slice(-300)}`);
    console.destroy();
    return { readyMs: ready, rssKb: rss, memFreeKb: Number(mem[1]) };
  } finally {
    await kill();
  }
}

/** MemFree (KiB) from a /proc/meminfo text. */
export function memFreeKb(meminfo: string): number {
  const m = /^MemFree:\s+(\d+) kB/m.exec(meminfo);
  if (!m) throw new Error(`no MemFree in ${JSON.stringify(meminfo.slice(0, 200))}`);
  return Number(m[1]);
}

