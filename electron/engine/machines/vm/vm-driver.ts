// A lab machine of kind `vm`: a QEMU microVM in a runner container on the engine, booting the
// guest kernel with an initramfs made from the machine's image, on the lab's network like any
// machine. Without a runner image or a guest kernel the machine is unavailable and the lab's
// other machines still run; a VM whose runner dies later is stopped, says why, and the others run on.
import { buildGuestInitramfs } from '../../images/guest-initramfs.js';
import { ensureGuestKernel, KERNEL_REPO, type GuestKernel } from '../../images/guest-kernel.js';
import { GuestKernelUnavailableError } from '../../images/guest-kernel-error.js';
import { ensureQemuImage, qemuImageRef, QemuImageUnavailableError } from '../../images/qemu-image.js';
import { isArch, vmGuestArch, type GuestArch } from '../../images/guest-arch.js';
import { ensureGuestBaseImage, guestBaseImage } from '../../images/guest-base-image.js';
import { ensureBootImage } from '../../images/vm-boot-image.js';
import { BASE_IMAGE as LAB_BASE_NAME } from '../../labs/lab-rules.js';
import type { VmMachine as VmMachineSpec } from '../../labs/schema.js';
import { VM_DEFAULTS } from '../../labs/trust.js';
import type { MachinePhase } from '../../lenses/footprint.js';
import { progressTask, type ProgressSink } from '../../progress.js';
import { containerName, egressNetworkName, envName, networkName, volumeName } from '../../sessions/names.js';
import type { TerminalTarget } from '../../terminals/terminal-registry.js';
import type { MachineDriver, MachineStatus, Place, SessionContext } from '../machine-driver.js';
import { cannotRun, type ScriptOptions, type ScriptResult } from '../script-result.js';
import { VmMachine } from './vm-machine.js';
import { agentLost } from './runner-end.js';

/** How long a script that lost the agent waits to learn whether the VM's runner stopped. */
const END_NOTICE_MS = 2000;

/** What every VM of a session shares: the guest CPU, its kernel, the runner image. */
export interface VmSupport {
  arch: GuestArch;
  kernel(): Promise<GuestKernel>;
  runner(): Promise<string>;
}

export class VmDriver implements MachineDriver {
  readonly kind = 'vm';
  readonly runsOn = 'docker-host';
  readonly name: string;
  private vm?: VmMachine;
  private unavailable?: string;

  constructor(private readonly spec: VmMachineSpec, private readonly ctx: SessionContext, private readonly support: VmSupport) {
    this.name = spec.name;
  }

  /** Made once per session, for all its VMs. */
  static sessionSupport(ctx: SessionContext, sink: ProgressSink): VmSupport {
    let kernel: Promise<GuestKernel> | undefined;
    let runner: Promise<string> | undefined;
    const arch = vmGuestArch(ctx.engine);
    return {
      arch,
      kernel: () => (kernel ??= ensureGuestKernel(ctx.docker, ctx.engine, sink, KERNEL_REPO, arch)),
      runner: () => (runner ??= ensureQemuImage(ctx.docker, ctx.engine, sink, qemuImageRef(), arch).then((i) => i.ref)),
    };
  }

  async start(sink: ProgressSink): Promise<MachineStatus> {
    const began = Date.now();
    let runner: string;
    let kernel: GuestKernel;
    try {
      [runner, kernel] = await Promise.all([this.support.runner(), this.support.kernel()]);
    } catch (err) {
      if (!(err instanceof QemuImageUnavailableError || err instanceof GuestKernelUnavailableError)) throw err;
      // The machine list gets one line on how to get what is missing; doctor lists what was tried.
      const why = err instanceof QemuImageUnavailableError ? err.summary : err.message;
      this.unavailable = `is unavailable: ${why}`;
      progressTask(sink, `machine ${this.name}`).failed('unavailable');
      return { name: this.name, kind: this.kind, readyMs: 0, unavailable: why };
    }
    const initrd = await buildGuestInitramfs(this.ctx.docker, await this.guestImage(), kernel, sink, guestBaseImage(this.support.arch, this.ctx.engine));
    const bootImage = await ensureBootImage(this.ctx.docker, { runner, kernel, initrd }, sink);
    await this.ctx.resourcesReady();
    const bootFrom = Date.now() - began;
    this.ctx.assertNotStopping();
    const task = progressTask(sink, `machine ${this.name}`);
    task.update('booting');
    try {
      const { arch } = this.support;
      this.vm = await VmMachine.start(this.ctx.docker, {
        session: this.ctx.session, machine: this.name, container: containerName(this.ctx.session, this.name),
        arch, sameArch: isArch(this.ctx.engine.arch, arch), runnerImage: runner, bootImage,
        memoryMb: this.spec.memoryMb ?? VM_DEFAULTS.memoryMb, cpus: this.spec.cpus ?? VM_DEFAULTS.cpus,
        hostname: this.spec.hostname ?? this.name, ports: (this.spec.ports ?? []).map((p) => p.guest),
        disks: (this.spec.disks ?? []).map((d) => ({ volume: volumeName(this.ctx.session, d.volume), path: d.path, sizeMb: d.sizeMb ?? VM_DEFAULTS.diskMb })),
        network: networkName(this.ctx.session),
        // The guest reaches only the lab's network unless the lab is trusted for outbound.
        ...(this.spec.outbound ? { egressNetwork: egressNetworkName(this.ctx.session) } : {}),
        labels: this.ctx.labels('machine'), engineKernel: this.ctx.engine.kernel,
      });
      task.done(`ready (${this.vm.timeline.accelReason})`);
      this.tellWhenStopped(this.vm);
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

  /**
   * The image the guest is made from. A guest of another CPU than the engine's (LABVISOR_VM_ARCH)
   * needs its own base image; the lab's images are built for the engine's CPU.
   */
  private async guestImage(): Promise<string> {
    const { arch } = this.support;
    if (isArch(this.ctx.engine.arch, arch)) return this.ctx.imageRef(this.spec.image);
    if (this.spec.image !== LAB_BASE_NAME) throw new Error(`machine "${this.name}": an ${arch} guest can be made from ${LAB_BASE_NAME} only, not from the lab's image "${this.spec.image}" (built for the engine's ${this.ctx.engine.arch})`);
    await ensureGuestBaseImage(this.ctx.docker, this.ctx.engine, arch);
    return guestBaseImage(arch, this.ctx.engine);
  }

  /** Why the VM stopped by itself after its start (its runner died, and the VM with it). */
  get stopped(): string | undefined { return this.vm?.stopped; }

  /** The session hears of this VM stopping by itself, so it can tell whoever shows the lab. */
  private tellWhenStopped(vm: VmMachine): void {
    void vm.ended.then((why) => { if (why && this.vm === vm) this.ctx.machineStopped(this.name); });
  }

  async runScript(script: string, opts: ScriptOptions): Promise<ScriptResult> {
    const vm = this.vm;
    if (!vm) return cannotRun(this.name, this.unavailable ?? 'is not running');
    if (vm.stopped) return cannotRun(this.name, `stopped: ${vm.stopped}`);
    return vm.runScript(script, { ...opts, env: { ...await this.ctx.machineEnv(), ...opts.env } })
      .catch(async (err: Error) => {
        // The agent's channel ends with the runner: the VM's end, once known, says more than the channel's.
        const why = await settledWithin(vm.ended, END_NOTICE_MS);
        return cannotRun(this.name, why ? `stopped: ${why}` : agentLost(err.message));
      });
  }

  async terminalTarget(): Promise<TerminalTarget> {
    if (!this.vm) throw new Error(`machine "${this.name}" ${this.unavailable ?? 'is not running'}`);
    if (this.vm.stopped) throw new Error(`machine "${this.name}" stopped: ${this.vm.stopped}`);
    return { via: 'console', vm: this.vm };
  }

  async stop(): Promise<void> {
    const vm = this.vm;
    this.vm = undefined;
    await vm?.stop().catch(() => {});
  }

  /** QEMU is a process of the Docker host, in the runner. */
  facts(place: Place): Record<string, string> {
    return place === 'docker-host' && this.vm ? { [`LAB_QEMU_PID_${envName(this.name)}`]: String(this.vm.pid) } : {};
  }

  keep(): void { void this.vm?.release(); }
}

/** What `p` settles with within `ms`, or undefined. */
async function settledWithin<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<undefined>((r) => { timer = setTimeout(r, ms, undefined); });
  try {
    return await Promise.race([p, late]);
  } finally {
    clearTimeout(timer);
  }
}
