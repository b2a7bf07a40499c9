// A lab machine of kind `vm`: a QEMU microVM booting the guest kernel with an initramfs made
// from the machine's image. QEMU runs on this computer for now: its PID is a fact of the
// learner's computer, and of the Docker host only when that is this computer's kernel (a local
// Linux engine), where the Docker host view finds it under its own PID. Without QEMU or a guest
// kernel the machine is unavailable and the lab's other machines still run.
import { buildGuestInitramfs } from '../../images/guest-initramfs.js';
import { ensureGuestKernel, GuestKernelUnavailableError, type GuestKernel } from '../../images/guest-kernel.js';
import type { VmMachine as VmMachineSpec } from '../../labs/schema.js';
import { VM_DEFAULTS } from '../../labs/trust.js';
import type { MachinePhase } from '../../lenses/footprint.js';
import { progressTask, type ProgressSink } from '../../progress.js';
import { envName } from '../../sessions/names.js';
import type { TerminalTarget } from '../../terminals/terminal-registry.js';
import type { MachineDriver, MachineStatus, Place, SessionContext } from '../machine-driver.js';
import { runHelper } from '../helper-container.js';
import { cannotRun, type ScriptOptions, type ScriptResult } from '../script-result.js';
import { freePort } from './free-port.js';
import { findQemu, QemuMissingError, type QemuBinary } from './qemu-binary.js';
import { VmMachine } from './vm-machine.js';

export class VmDriver implements MachineDriver {
  readonly kind = 'vm';
  readonly runsOn = 'computer';
  readonly name: string;
  private vm?: VmMachine;
  private unavailable?: string;
  private pidOnDockerHost?: number;

  /** `kernel`: the session's guest kernel, made once for all its VMs. */
  constructor(private readonly spec: VmMachineSpec, private readonly ctx: SessionContext, private readonly kernel: () => Promise<GuestKernel>) {
    this.name = spec.name;
  }

  static sessionKernel(ctx: SessionContext, sink: ProgressSink): () => Promise<GuestKernel> {
    let kernel: Promise<GuestKernel> | undefined;
    return () => (kernel ??= ensureGuestKernel(ctx.docker, ctx.engine, sink));
  }

  async start(sink: ProgressSink): Promise<MachineStatus> {
    const began = Date.now();
    let qemu: QemuBinary;
    let kernel: GuestKernel;
    try {
      [qemu, kernel] = await Promise.all([findQemu(), this.kernel()]);
    } catch (err) {
      if (!(err instanceof QemuMissingError || err instanceof GuestKernelUnavailableError)) throw err;
      this.unavailable = `is unavailable: ${err.message}`;
      progressTask(sink, `machine ${this.name}`).failed('unavailable');
      return { name: this.name, kind: this.kind, readyMs: 0, unavailable: err.message };
    }
    const initrd = await buildGuestInitramfs(this.ctx.docker, this.ctx.imageRef(this.spec.image), kernel, sink);
    const bootFrom = Date.now() - began;
    this.ctx.assertNotStopping();
    const task = progressTask(sink, `machine ${this.name}`);
    task.update('booting');
    try {
      const ports = await Promise.all((this.spec.ports ?? []).map(async (p) => ({ guest: p.guest, host: p.host ?? await freePort() })));
      this.vm = await VmMachine.start({
        session: this.ctx.session, machine: this.name, qemu, kernel: kernel.vmlinuz, initrd,
        memoryMb: this.spec.memoryMb ?? VM_DEFAULTS.memoryMb, cpus: this.spec.cpus ?? VM_DEFAULTS.cpus,
        hostname: this.spec.hostname ?? this.name, ports,
        // The guest reaches only its own forwarded ports unless the lab is trusted for outbound.
        outbound: this.spec.outbound ?? false,
      });
      this.pidOnDockerHost = await this.findOnDockerHost(this.vm.runDir);
      task.done(`ready (${this.vm.timeline.accelReason})`);
      const t = this.vm.timeline;
      const phases: MachinePhase[] = [
        { phase: 'guest kernel and initramfs', atMs: bootFrom },
        ...([['QEMU up', t.processMs], ['kernel started', t.kernelMs], ['init ran', t.initMs], ['shell prompt', t.shellMs]] as const)
          .map(([phase, ms]) => ({ phase, atMs: bootFrom + ms })),
      ];
      return { name: this.name, kind: this.kind, readyMs: Date.now() - began, boot: t, phases };
    } catch (err) {
      task.failed((err as Error).message);
      throw err;
    }
  }

  async runScript(script: string, opts: ScriptOptions): Promise<ScriptResult> {
    if (!this.vm) return cannotRun(this.name, this.unavailable ?? 'is not running');
    return this.vm.runScript(script, { ...opts, env: { ...await this.ctx.machineEnv(), ...opts.env } })
      .catch((err: Error) => cannotRun(this.name, `cannot run commands: ${err.message}`));
  }

  async terminalTarget(): Promise<TerminalTarget> {
    if (!this.vm) throw new Error(`machine "${this.name}" ${this.unavailable ?? 'is not running'}`);
    return { via: 'console', vm: this.vm };
  }

  async stop(): Promise<void> {
    const vm = this.vm;
    this.vm = undefined;
    await vm?.stop().catch(() => {});
  }

  facts(place: Place): Record<string, string> {
    const pid = place === 'computer' ? this.vm?.pid : this.pidOnDockerHost;
    return pid ? { [`LAB_QEMU_PID_${envName(this.name)}`]: String(pid) } : {};
  }

  /**
   * QEMU's PID as the Docker host sees it, if QEMU runs there: the process whose command line
   * names this VM's run folder (unique per VM). This computer may be in other PID namespaces
   * than the Docker host's, so its own PID for QEMU does not do.
   */
  private async findOnDockerHost(runDir: string): Promise<number | undefined> {
    // Only a qemu-system program counts: the helper's own shell carries the folder name too.
    const script = 'for p in /proc/[0-9]*; do c=$(tr "\\0" " " < "$p/cmdline" 2>/dev/null); ' +
      'case "${c%% *}" in *qemu-system-*) case "$c" in *"$1"*) echo "${p#/proc/}";; esac;; esac; done';
    const r = await runHelper(this.ctx.docker, { cmd: ['/bin/sh', '-c', script, 'find', `${runDir}/qemu.pid`], labels: this.ctx.labels('helper'), pidHost: true })
      .catch(() => undefined);
    const pids = (r?.stdout ?? '').split('\n').map(Number).filter((n) => n > 0);
    return pids.length === 1 ? pids[0] : undefined;
  }

  keep(): void { this.vm?.release(); }
}
