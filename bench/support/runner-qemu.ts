// The vm-ready baseline: our VM's own runner command (its Cmd as the engine holds it: the entry
// script, then qemu-system-* with the very argv) in the same runner image, with the kernel and
// initramfs copied out of our runner plus one appended cpio member — an init that prints a ready
// line at once (then MemFree every second, for the memory figure) — chosen with rdinit=. Linux
// unpacks concatenated initramfs archives in order, so the guest's files are all there.
// Its files are baked into an image made once from our VM's boot image (as ours are: the kernel and
// initramfs are a layer of the image its runner starts from). It starts two ways: `runBoot` as
// `docker run -i` does (create, attach, start); `execBoot` spawns the same command with
// `docker exec` in a runner that is already up. They differ by the container hop only.
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, type Duplex } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { asNodeStream, buildImage } from '../../electron/engine/images/build-image.js';
import { NewcWriter } from '../../electron/engine/images/cpio-newc.js';
import { readContainerFile } from '../../electron/engine/images/image-files.js';
import { runContainerScript } from '../../electron/engine/machines/container-exec.js';
import { openExecStream } from '../../electron/engine/machines/exec-stream.js';
import { RUNNER_PATHS } from '../../electron/engine/machines/vm/qemu-args.js';
import { defer } from '../cleanup.js';
import { since } from '../measure.js';
import { BENCH_LABEL } from './docker-cli.js';

const INIT = '/lv-bench-init';
const READY = 'LV-BENCH-READY';
const INIT_SCRIPT = `#!/labvisor/busybox sh
echo ${READY}
/labvisor/busybox mkdir -p /proc
/labvisor/busybox mount -t proc proc /proc
while :; do echo "LV-BENCH-MEM $(/labvisor/busybox grep MemFree /proc/meminfo)"; /labvisor/busybox sleep 1; done
`;
const LABELS = Object.fromEntries([BENCH_LABEL.split('=')]) as Record<string, string>;

export interface Baseline {
  /** Our runner's image with the ready-only init added to /vm/initrd; removed at cleanup. */
  image: string;
  /** Our runner's Cmd with rdinit= appended: /labvisor/run-vm qemu-system-… <argv>. */
  cmd: string[];
  /** /dev/kvm when our VM booted with KVM. */
  devices: Docker.DeviceMapping[];
  /** The guest's memory (-m) in KiB. */
  memoryKb: number;
}

/** The baseline of a running runner of ours: its command and image, the ready-only init added to the image's initramfs. */
export async function baselineOf(docker: Docker, runner: string): Promise<Baseline> {
  const container = docker.getContainer(runner);
  const info = await container.inspect();
  const cmd = [...info.Config.Cmd];
  cmd[cmd.indexOf('-append') + 1] += ` rdinit=${INIT}`;
  const initrd = await readContainerFile(container, RUNNER_PATHS.initrd);
  const tar = pack();
  tar.entry({ name: 'Dockerfile', mtime: new Date(0) }, `FROM ${info.Image}\nCOPY initrd ${RUNNER_PATHS.initrd}\n`);
  tar.entry({ name: 'initrd', mode: 0o644, mtime: new Date(0) }, Buffer.concat([initrd, await initCpioGz()]));
  tar.finalize();
  const image = `lvbench/vm-baseline:${randomBytes(4).toString('hex')}`;
  defer(`image ${image}`, () => docker.getImage(image).remove({ force: true }).catch(() => {}));
  await buildImage(docker, asNodeStream(tar), image, LABELS);
  return { image, cmd, devices: info.HostConfig.Devices ?? [], memoryKb: Number(cmd[cmd.indexOf('-m') + 1]) * 1024 };
}

/** The ready-only init as a gzipped newc archive (NewcWriter writes files, so through a temp one). */
async function initCpioGz(): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'lvbench-init-'));
  try {
    const writer = new NewcWriter(join(dir, 'init.cpio'));
    await writer.add({ name: INIT.slice(1), type: 'file', mode: 0o755 }, Buffer.from(INIT_SCRIPT));
    await writer.finish();
    return gzipSync(await readFile(join(dir, 'init.cpio')));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export interface RunBoot {
  /** create → ready line; when create returned, start was called and returned. */
  readyMs: number; createdMs: number; startingMs: number; startedMs: number;
  rssKb: number; cgroupKb: number; memFreeKb: number;
}

/** One `docker run -i` of the baseline (through the API, as ours): create → ready line; memory `settleMs` later. */
export async function runBoot(docker: Docker, b: Baseline, settleMs: number): Promise<RunBoot> {
  const name = `lvbench-vm-${randomBytes(4).toString('hex')}`;
  const remove = defer(`container ${name}`, () => docker.getContainer(name).remove({ force: true }).catch(() => {}));
  try {
    const t0 = performance.now();
    const container = await docker.createContainer({
      name, Image: b.image, Cmd: b.cmd, Labels: LABELS,
      OpenStdin: true, StdinOnce: false, AttachStdin: true, AttachStdout: true, AttachStderr: true,
      HostConfig: { Devices: b.devices },
    });
    const createdMs = since(t0);
    const stdio = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }) as Duplex;
    const out = new PassThrough();
    let stderr = '';
    docker.modem.demuxStream(stdio, out, new PassThrough().on('data', (c: Buffer) => { stderr += c.toString(); }));
    stdio.once('end', () => out.end());
    const console = watchConsole(out, () => `stderr: ${stderr.slice(-300)}`);
    const startingMs = since(t0);
    await container.start();
    const startedMs = since(t0);
    await console.ready;
    const readyMs = since(t0);
    await new Promise((r) => setTimeout(r, settleMs));
    const mem = await runnerMemory(docker, name);
    stdio.destroy();
    return { readyMs, createdMs, startingMs, startedMs, ...mem, memFreeKb: console.memFreeKb() };
  } finally {
    await remove();
  }
}

/** A runner of the baseline's image, up and idle for `execBoot`; removed at cleanup. */
export async function idleRunner(docker: Docker, b: Baseline): Promise<string> {
  const name = `lvbench-vm-idle-${randomBytes(4).toString('hex')}`;
  defer(`container ${name}`, () => docker.getContainer(name).remove({ force: true }).catch(() => {}));
  const container = await docker.createContainer({ name, Image: b.image, Cmd: ['sleep', '86400'], Labels: LABELS, HostConfig: { Devices: b.devices } });
  await container.start();
  return name;
}

/** The baseline's command spawned by `docker exec` in an idle runner: exec create → ready line; then killed. */
export async function execBoot(docker: Docker, runner: string, b: Baseline): Promise<number> {
  const t0 = performance.now();
  const exec = await openExecStream(docker, runner, b.cmd);
  try {
    await watchConsole(exec.stream).ready;
    return since(t0);
  } finally {
    await exec.close(); // kills QEMU (the exec's marker), so the next spawn finds the runner idle
  }
}

/**
 * QEMU's resident memory and the runner's cgroup charge (QEMU plus the page cache of its files),
 * read inside the runner, where QEMU is PID 1: the engine host's kernel answers, not this computer's.
 */
export async function runnerMemory(docker: Docker, runner: string): Promise<{ rssKb: number; cgroupKb: number }> {
  const r = await runContainerScript(docker, runner,
    'cat /proc/1/status; cat /sys/fs/cgroup/memory.current /sys/fs/cgroup/memory/memory.usage_in_bytes 2>/dev/null', { timeoutMs: 10_000 });
  const rss = /^VmRSS:\s+(\d+) kB/m.exec(r.output);
  const cgroup = /^(\d+)$/m.exec(r.output);
  if (!rss || !cgroup) throw new Error(`no VmRSS or cgroup memory in ${runner}: ${r.output.slice(0, 300)}`);
  return { rssKb: Number(rss[1]), cgroupKb: Math.round(Number(cgroup[1]) / 1024) };
}

/** MemFree (KiB) from a /proc/meminfo text. */
export function memFreeKb(meminfo: string): number {
  const m = /^MemFree:\s+(\d+) kB/m.exec(meminfo);
  if (!m) throw new Error(`no MemFree in ${JSON.stringify(meminfo.slice(0, 200))}`);
  return Number(m[1]);
}

/** Waits for the ready line on a baseline's console; keeps its tail for the MemFree lines after it. */
function watchConsole(out: NodeJS.ReadableStream, detail = () => '') {
  let text = '';
  const ready = new Promise<void>((resolve, reject) => {
    const fail = (why: string) => { clearTimeout(timer); reject(new Error(`baseline QEMU: ${why}; console: ${text.slice(-300)} ${detail()}`)); };
    const timer = setTimeout(() => fail('no ready line in 90 s'), 90_000);
    out.on('data', (c: Buffer) => {
      text = (text + c.toString()).slice(-4000);
      if (text.includes(READY)) { clearTimeout(timer); resolve(); }
    });
    out.once('end', () => fail('its console ended before the ready line'));
  });
  return {
    ready,
    memFreeKb() {
      const m = [...text.matchAll(/LV-BENCH-MEM MemFree:\s+(\d+) kB/g)].at(-1);
      if (!m) throw new Error(`baseline QEMU: the init printed no MemFree; console: ${text.slice(-300)}`);
      return Number(m[1]);
    },
  };
}
