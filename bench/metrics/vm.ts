// vm-ready, vm-memory-overhead and lab-ready, from one interleaved loop of three starts:
// the shared-kernel lab (LabSession), its VM alone (LabSession of bench-vm) and raw QEMU with
// our VM's very command line booting an init that only signals ready (support/raw-qemu.ts).
import { dirname } from 'node:path';
import { LabSession } from '../../electron/engine/sessions/lab-session.js';
import { defer } from '../cleanup.js';
import { benchLab, bundledLab, type BenchContext } from '../context.js';
import { interleave, since } from '../measure.js';
import { ratioMetric, type Metric } from '../report.js';
import { summarize } from '../stats.js';
import { argv, findProcess, rssKb } from '../support/procfs.js';
import { baselineInitrd, memFreeKb, rawBoot } from '../support/raw-qemu.js';

/** After ready, both VMs idle this long before their memory is read (boot-time buffers settle). */
const SETTLE_MS = 1000;

interface OurVm { ms: number; overheadKb: number; shellMs: number }

export async function vmMetrics(ctx: BenchContext): Promise<Metric[]> {
  ctx.progress('vm-ready, vm-memory-overhead, lab-ready: shared-kernel lab, its VM alone, raw QEMU (interleaved)');
  const [vmLab, sharedKernel] = await Promise.all([benchLab('bench-vm'), bundledLab('shared-kernel')]);
  let ours: { qemu: string; args: string[]; runDir: string; memoryKb: number; initrd: string } | undefined;
  let accel = '';

  const startVm = async (): Promise<OurVm> => {
    const session = new LabSession(ctx.docker, ctx.engine, vmLab);
    const stop = defer(`session ${session.id}`, () => session.stop());
    try {
      const t0 = performance.now();
      await session.start({ trust: true });
      const ms = since(t0);
      const boot = session.machines[0]?.boot;
      if (!boot) throw new Error(`the VM did not boot: ${session.machines[0]?.unavailable ?? 'no boot timeline'}`);
      accel = `${boot.accel} (${boot.accelReason})`;
      const pid = await findProcess(`/lv-${session.id}-vm-`);
      if (!ours) {
        const [qemu, ...args] = await argv(pid);
        ours = {
          qemu: qemu!, args, runDir: dirname(args[args.indexOf('-pidfile') + 1]!),
          memoryKb: Number(args[args.indexOf('-m') + 1]) * 1024, initrd: await baselineInitrd(args[args.indexOf('-initrd') + 1]!),
        };
      }
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const rss = await rssKb(pid);
      const meminfo = await session.runScript('vm', 'cat /proc/meminfo', 10_000);
      return { ms, overheadKb: rss - (ours.memoryKb - memFreeKb(meminfo.output)), shellMs: boot.shellMs };
    } finally {
      await stop();
    }
  };

  const r = await interleave(ctx.slow, {
    lab: async () => {
      const session = new LabSession(ctx.docker, ctx.engine, sharedKernel);
      const stop = defer(`session ${session.id}`, () => session.stop());
      const t0 = performance.now();
      await session.start({ trust: true });
      const ms = since(t0);
      await stop();
      return ms;
    },
    vm: startVm,
    raw: async () => {
      if (!ours) await startVm(); // the first iteration runs in the order lab, vm, raw; this is for --only
      const boot = await rawBoot(ours!.qemu, ours!.args, ours!.runDir, ours!.initrd, SETTLE_MS);
      return { ms: boot.readyMs, overheadKb: boot.rssKb - (ours!.memoryKb - boot.memFreeKb) };
    },
  }, ctx.progress);
  ctx.machine.accelerator = accel;

  const vmMs = summarize(r.vm.map((x) => x.ms));
  return [
    ratioMetric({
      id: 'vm-ready', title: 'VM ready (shell prompt)', unit: 'ms', ours: vmMs, base: summarize(r.raw.map((x) => x.ms)), target: 1.1,
      note: `accelerator: ${accel}. ours: LabSession.start() of the shared-kernel VM alone until its console shows a shell prompt; ` +
        'baseline: qemu-system-x86_64 with the same argv, kernel and initramfs, rdinit= an init that only prints a ready line; spawn → that line.',
      extra: { accelerator: accel, oursQemuSpawnToPromptMsP50: summarize(r.vm.map((x) => x.shellMs)).p50 },
    }),
    ratioMetric({
      id: 'vm-memory-overhead', title: 'Per-VM host memory overhead (QEMU RSS − guest memory used)', unit: 'MiB',
      ours: summarize(r.vm.map((x) => x.overheadKb / 1024)), base: summarize(r.raw.map((x) => x.overheadKb / 1024)), target: 1.1,
      note: `read ${SETTLE_MS} ms after ready; guest memory used = -m minus the guest's MemFree. Baseline: the same QEMU argv with the ready-only init.`,
    }),
    ratioMetric({
      id: 'lab-ready', title: 'Whole lab ready (shared-kernel, warm)', unit: 'ms', ours: summarize(r.lab), base: vmMs, target: 1.2,
      note: 'ours: LabSession.start() of shared-kernel (container, VM, host in parallel); baseline: its slowest machine, the VM, alone (the vm-ready runs).',
    }),
  ];
}
