// vm-ready, vm-container-hop, vm-memory-overhead and lab-ready, from one interleaved loop of four
// starts: the shared-kernel lab (LabSession), its VM alone (LabSession of bench-vm), and our VM's
// very runner command booting an init that only signals ready (support/runner-qemu.ts), once
// with `docker run` and once spawned by `docker exec` in a runner already up.
import { LabSession } from '../../electron/engine/sessions/lab-session.js';
import { containerName } from '../../electron/engine/sessions/names.js';
import { runContainerScript } from '../../electron/engine/machines/container-exec.js';
import { defer } from '../cleanup.js';
import { benchLab, bundledLab, type BenchContext } from '../context.js';
import { interleave, since } from '../measure.js';
import { ratioMetric, type Metric } from '../report.js';
import { summarize } from '../stats.js';
import { baselineOf, execBoot, idleRunner, memFreeKb, runBoot, runnerMemory, type Baseline } from '../support/runner-qemu.js';

/** After ready, both VMs idle this long before their memory is read (boot-time buffers settle). */
const SETTLE_MS = 1000;

interface OurVm { ms: number; overheadKb: number; cgroupKb: number; kernelMs: number; shellMs: number }

const p50 = (values: number[]) => Math.round(summarize(values).p50);

export async function vmMetrics(ctx: BenchContext): Promise<Metric[]> {
  ctx.progress('vm-ready, vm-container-hop, vm-memory-overhead, lab-ready: shared-kernel lab, its VM alone, docker run and docker exec of its QEMU (interleaved)');
  const [vmLab, sharedKernel] = await Promise.all([benchLab('bench-vm'), bundledLab('shared-kernel')]);
  let base: Baseline | undefined;
  let idle: string | undefined;
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
      const runner = containerName(session.id, 'vm');
      base ??= await baselineOf(ctx.docker, runner);
      await new Promise((r) => setTimeout(r, SETTLE_MS));
      const mem = await runnerMemory(ctx.docker, runner);
      const meminfo = await session.runScript('vm', 'cat /proc/meminfo', 10_000);
      return { ms, overheadKb: mem.rssKb - (base.memoryKb - memFreeKb(meminfo.output)), cgroupKb: mem.cgroupKb, kernelMs: boot.kernelMs, shellMs: boot.shellMs };
    } finally {
      await stop();
    }
  };

  // The first iteration runs in the order lab, vm, run, exec: ours gives the baseline its command.
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
    run: async () => {
      const boot = await runBoot(ctx.docker, base!, SETTLE_MS);
      return { ...boot, overheadKb: boot.rssKb - (base!.memoryKb - boot.memFreeKb) };
    },
    exec: async () => {
      if (!idle) {
        idle = await idleRunner(ctx.docker, base!);
        const version = await runContainerScript(ctx.docker, idle, `${base!.cmd[1]} --version`, { timeoutMs: 10_000 });
        ctx.machine.qemu = `${version.output.split('\n')[0]} (runner image)`;
      }
      return execBoot(ctx.docker, idle, base!);
    },
  }, ctx.progress);
  ctx.machine.accelerator = accel;

  const vmMs = summarize(r.vm.map((x) => x.ms));
  const runMs = r.run.map((x) => x.readyMs);
  return [
    ratioMetric({
      id: 'vm-ready', title: 'VM ready (shell prompt)', unit: 'ms', ours: vmMs, base: summarize(runMs), target: 1.1,
      note: `accelerator: ${accel}. ours: LabSession.start() of the shared-kernel VM alone until its console shows a shell prompt; ` +
        'baseline: our runner\'s command (same image, QEMU argv, kernel and initramfs), rdinit= an init that only prints a ready line, ' +
        'from an image holding them as ours does, started as `docker run -i` does (create, attach, start) → that line.',
      // Where the time goes, on both sides of the runner's start.
      extra: {
        accelerator: accel,
        oursBeforeRunnerStartMsP50: p50(r.vm.map((x) => x.ms - x.shellMs)),
        oursRunnerStartToKernelMsP50: p50(r.vm.map((x) => x.kernelMs)),
        oursRunnerStartToPromptMsP50: p50(r.vm.map((x) => x.shellMs)),
        baselineBeforeStartMsP50: p50(r.run.map((x) => x.startingMs)),
        baselineStartToReadyMsP50: p50(r.run.map((x) => x.readyMs - x.startingMs)),
      },
    }),
    // Each iteration's docker run minus its docker exec (always adjacent in the loop): the cost of
    // making the container, not of QEMU or the guest.
    ratioMetric({
      id: 'vm-container-hop', title: 'The runner container\'s own cost (docker run − docker exec of the same QEMU)', unit: 'ms',
      ours: summarize(r.run.map((x, i) => x.readyMs - r.exec[i]!)), base: summarize(r.exec), target: null,
      note: 'ours: the baseline\'s create → ready line minus the same command spawned by `docker exec` in a runner already up ' +
        '(exec create → ready line), per iteration; baseline: that exec spawn; ratio: the share the container adds to it.',
      // The docker run's own steps, from create: created, start returned.
      extra: { createdMsP50: p50(r.run.map((x) => x.createdMs)), startedMsP50: p50(r.run.map((x) => x.startedMs)) },
    }),
    ratioMetric({
      id: 'vm-memory-overhead', title: 'Per-VM host memory overhead (QEMU RSS − guest memory used)', unit: 'MiB',
      ours: summarize(r.vm.map((x) => x.overheadKb / 1024)), base: summarize(r.run.map((x) => x.overheadKb / 1024)), target: 1.1,
      note: `read ${SETTLE_MS} ms after ready from the engine host's kernel (/proc/1/status in the runner, where QEMU is PID 1); ` +
        'guest memory used = -m minus the guest\'s MemFree. Baseline: the docker run above.',
      extra: { oursRunnerCgroupMiBP50: p50(r.vm.map((x) => x.cgroupKb / 1024)), baselineRunnerCgroupMiBP50: p50(r.run.map((x) => x.cgroupKb / 1024)) },
    }),
    ratioMetric({
      id: 'lab-ready', title: 'Whole lab ready (shared-kernel, warm)', unit: 'ms', ours: summarize(r.lab), base: vmMs, target: 1.2,
      note: 'ours: LabSession.start() of shared-kernel (container, VM, host in parallel); baseline: its slowest machine, the VM, alone (the vm-ready runs).',
    }),
  ];
}
