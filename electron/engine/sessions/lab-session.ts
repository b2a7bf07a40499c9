// One running lab: its images, network, volumes and machines, and the step actions on them.
// Start is all-or-nothing: if any part fails (or stop is asked meanwhile), everything already
// created is removed before the error is passed on.
import { TrustRequiredError } from '../errors.js';
import type Docker from 'dockerode';
import { rm } from 'node:fs/promises';
import type { LoadedLab } from '../labs/load.js';
import type { ContainerMachine, Machine, Step, VmMachine as VmMachineSpec } from '../labs/schema.js';
import { VM_DEFAULTS } from '../labs/trust.js';
import { labelsFor } from '../labels.js';
import type { EngineInfo } from '../machines/docker-engine.js';
import { ensureBaseImage } from '../images/base-image.js';
import { ensureLabImages, resolveImageRef, type LabImages } from '../images/lab-images.js';
import { containerSpec } from '../machines/container-spec.js';
import { runContainerScript } from '../machines/container-exec.js';
import { runHostScript } from '../machines/host-script.js';
import { lastLogLines } from '../machines/container-logs.js';
import { runHelper } from '../machines/helper-container.js';
import { VmMachine, type BootTimeline } from '../machines/vm/vm-machine.js';
import { findQemu, QemuMissingError, type QemuBinary } from '../machines/vm/qemu-binary.js';
import { collectVms } from '../machines/vm/vm-records.js';
import { writeFootprint, type MachinePhase } from '../lenses/footprint.js';
import { freePort } from '../machines/vm/free-port.js';
import { ensureGuestKernel, GuestKernelUnavailableError, type GuestKernel } from '../images/guest-kernel.js';
import { buildGuestInitramfs } from '../images/guest-initramfs.js';
import type { ScriptResult } from '../machines/script-result.js';
import { runCheck, describeScriptFailure, type CheckContext } from '../checks/run-check.js';
import type { CheckResult } from '../checks/check-result.js';
import { noProgress, progressTask, type ProgressSink } from '../progress.js';
import { containerName, egressNetworkName, networkName, newSessionId, portRelayName, volumeName } from './names.js';
import { startPortRelay, type PublishedPort } from '../machines/port-publisher.js';
import { portInUse } from '../machines/host-ports.js';
import type { Diagnostic } from '../labs/diagnostics.js';
import { hostEnv, machineEnv, sessionIdentity } from './script-env.js';
import { findSessionResources, removeSessionResources } from './cleanup.js';
import { removeRecord, writeRecord, type SessionRecord } from './registry.js';
import { TerminalRegistry, type TerminalTarget } from '../terminals/terminal-registry.js';
import type { TerminalSession } from '../terminals/terminal-session.js';

export const SOLVE_TIMEOUT_S = 60;

export interface MachineStatus {
  name: string;
  kind: Machine['kind'];
  /** From the start of this machine's work (build included) until it can run commands. */
  readyMs: number;
  /** VMs: the boot's phases and the accelerator used. */
  boot?: BootTimeline;
  /** When each phase of the start ended, from the machine's start (the footprint lens). */
  phases?: MachinePhase[];
  /** Why the machine could not start (no QEMU, no guest kernel); the lab's other machines run. */
  unavailable?: string;
}

export interface StartOptions {
  /** The user trusts this lab: required when it asks for more than the safe default (trust.ts). */
  trust?: boolean;
  progress?: ProgressSink;
}

export class LabSession {
  readonly id = newSessionId();
  readonly machines: MachineStatus[] = [];
  /** Closed when the session stops or resets. */
  readonly terminals = new TerminalRegistry();
  private images: LabImages = {};
  private readonly vms = new Map<string, VmMachine>();
  private kernel?: Promise<GuestKernel>;
  private hostBootId?: Promise<string>;
  private readonly unavailable = new Map<string, string>();
  private record?: SessionRecord;
  private starting?: Promise<void>;
  private stopping?: Promise<void>;

  constructor(readonly docker: Docker, readonly engine: EngineInfo, readonly loaded: LoadedLab) {}

  get lab() { return this.loaded.lab; }

  /** Builds images and starts every machine; on failure leaves nothing behind. */
  start(opts: StartOptions = {}): Promise<void> {
    this.starting = (async () => {
      // Refused before anything exists: an untrusted lab leaves nothing behind.
      if (!opts.trust) {
        const reasons = await this.trustReasons();
        if (reasons.length) throw new TrustRequiredError(this.lab.id, reasons);
      }
      await this.startAll(opts.progress ?? noProgress).catch(async (err) => {
        await this.cleanup();
        throw err;
      });
    })();
    return this.starting;
  }

  /** The lab's trust reasons, and each fixed host port that another program already listens on. */
  async trustReasons(): Promise<Diagnostic[]> {
    const taken = await Promise.all(this.loaded.fixedPorts.map(async (p) => (await portInUse(p.port)
      ? [{ ...p.where, message: `machine "${p.machine}" takes port ${p.port} on your computer, which another program already listens on` }]
      : [])));
    return [...this.loaded.trustReasons, ...taken.flat()];
  }

  private async startAll(sink: ProgressSink): Promise<void> {
    this.record = await writeRecord({ id: this.id, lab: this.lab.id, labDir: this.loaded.dir, engine: this.engine.target });
    // The network and volumes do not depend on the images: make them meanwhile. Both settle
    // before an error is passed on, so cleanup never races a half-made resource.
    const [images, network] = await Promise.allSettled([
      (async () => {
        await ensureBaseImage(this.docker, this.engine, sink);
        this.images = await ensureLabImages(this.docker, this.loaded, this.id, sink);
      })(),
      this.createNetworkAndVolumes(),
    ]);
    for (const r of [images, network]) if (r.status === 'rejected') throw r.reason;
    this.assertNotStopping();
    await this.startMachines(sink);
  }

  private assertNotStopping(): void {
    if (this.stopping) throw new Error(`session ${this.id} was stopped while starting`);
  }

  /** Container ports the lab publishes, through the relay (port-publisher.ts). */
  private publishedPorts(): PublishedPort[] {
    return this.lab.machines.flatMap((m) => m.kind === 'container'
      ? (m.ports ?? []).map((p) => ({ machine: m.name, container: p.container, ...(p.host ? { host: p.host } : {}) }))
      : []);
  }

  private needsEgress(): boolean {
    return this.publishedPorts().length > 0 || this.lab.machines.some((m) => m.kind === 'container' && m.outbound);
  }

  private async createNetworkAndVolumes(): Promise<void> {
    // The lab's machines share one network with no route out; only trusted outbound machines
    // and our port relay also join a routed one.
    await this.docker.createNetwork({
      Name: networkName(this.id), Driver: 'bridge', Internal: true, Labels: labelsFor(this.lab.id, this.id, 'network'),
    });
    if (this.needsEgress()) {
      await this.docker.createNetwork({
        Name: egressNetworkName(this.id), Driver: 'bridge', Internal: false, Labels: labelsFor(this.lab.id, this.id, 'network'),
      });
    }
    await Promise.all((this.lab.volumes ?? []).map((v) =>
      this.docker.createVolume({ Name: volumeName(this.id, v.name), Labels: labelsFor(this.lab.id, this.id, 'volume') })));
  }

  private async startMachines(sink: ProgressSink): Promise<void> {
    this.assertNotStopping();
    // Wait for every machine to settle, even when one fails: cleanup must not race a start.
    const settled = await Promise.allSettled(this.lab.machines.map((m) => this.startMachine(m, sink)));
    const failure = settled.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    const ports = this.publishedPorts();
    if (ports.length) {
      await startPortRelay(this.docker, {
        name: portRelayName(this.id), ports, labNetwork: networkName(this.id), egressNetwork: egressNetworkName(this.id),
        labels: labelsFor(this.lab.id, this.id, 'helper'),
      });
    }
    this.machines.splice(0, this.machines.length, ...settled.map((r) => (r as PromiseFulfilledResult<MachineStatus>).value));
    await writeFootprint({
      session: this.id, lab: this.lab.id, startedAt: new Date().toISOString(), samples: [],
      machines: this.machines.filter((m) => !m.unavailable).map((m) => ({
        name: m.name, kind: m.kind, readyMs: m.readyMs, phases: m.phases ?? [], ...(m.boot ? { accel: m.boot.accel } : {}),
      })),
    }).catch(() => {}); // a lens's history: never a reason for a lab not to start
  }

  private async startMachine(machine: Machine, sink: ProgressSink): Promise<MachineStatus> {
    const began = Date.now();
    if (machine.kind === 'host') return { name: machine.name, kind: machine.kind, readyMs: 0 };
    if (machine.kind === 'vm') return this.startVm(machine, sink);
    const task = progressTask(sink, `machine ${machine.name}`);
    const phases: MachinePhase[] = [];
    const phase = (name: string) => phases.push({ phase: name, atMs: Date.now() - began });
    task.update('creating container');
    try {
      await this.createContainer(machine);
      phase('created');
      task.update('starting');
      await this.docker.getContainer(containerName(this.id, machine.name)).start();
      await this.waitUntilUsable(machine.name);
      phase('running');
    } catch (err) {
      task.failed((err as Error).message);
      throw err;
    }
    task.done();
    return { name: machine.name, kind: machine.kind, readyMs: Date.now() - began, phases };
  }

  /** A VM made from the machine's image: guest kernel (once per session), initramfs, boot. */
  private async startVm(machine: VmMachineSpec, sink: ProgressSink): Promise<MachineStatus> {
    const began = Date.now();
    this.kernel ??= ensureGuestKernel(this.docker, this.engine, sink);
    let qemu: QemuBinary;
    let kernel: GuestKernel;
    try {
      [qemu, kernel] = await Promise.all([findQemu(), this.kernel]);
    } catch (err) {
      // Without QEMU or a kernel the VMs cannot run, but the containers of the lab still can.
      if (!(err instanceof QemuMissingError || err instanceof GuestKernelUnavailableError)) throw err;
      this.unavailable.set(machine.name, `is unavailable: ${err.message}`);
      progressTask(sink, `machine ${machine.name}`).failed('unavailable');
      return { name: machine.name, kind: machine.kind, readyMs: 0, unavailable: err.message };
    }
    const initrd = await buildGuestInitramfs(this.docker, resolveImageRef(this.images, machine.image), kernel, sink);
    const bootFrom = Date.now() - began;
    this.assertNotStopping();
    const task = progressTask(sink, `machine ${machine.name}`);
    task.update('booting');
    try {
      const ports = await Promise.all((machine.ports ?? []).map(async (p) => ({ guest: p.guest, host: p.host ?? await freePort() })));
      const vm = await VmMachine.start({
        session: this.id, machine: machine.name, qemu, kernel: kernel.vmlinuz, initrd,
        memoryMb: machine.memoryMb ?? VM_DEFAULTS.memoryMb, cpus: machine.cpus ?? VM_DEFAULTS.cpus, hostname: machine.hostname ?? machine.name, ports,
        // The guest reaches only its own forwarded ports unless the lab is trusted for outbound.
        outbound: machine.outbound ?? false,
      });
      this.vms.set(machine.name, vm);
      task.done(`ready (${vm.timeline.accelReason})`);
      const t = vm.timeline;
      const phases: MachinePhase[] = [
        { phase: 'guest kernel and initramfs', atMs: bootFrom },
        ...([['QEMU up', t.processMs], ['kernel started', t.kernelMs], ['init ran', t.initMs], ['shell prompt', t.shellMs]] as const)
          .map(([phase, ms]) => ({ phase, atMs: bootFrom + ms })),
      ];
      return { name: machine.name, kind: machine.kind, readyMs: Date.now() - began, boot: t, phases };
    } catch (err) {
      task.failed((err as Error).message);
      throw err;
    }
  }

  private async createContainer(machine: ContainerMachine): Promise<void> {
    const image = resolveImageRef(this.images, machine.image);
    const config = (await this.docker.getImage(image).inspect()).Config;
    await this.docker.createContainer(containerSpec({
      machine,
      containerName: containerName(this.id, machine.name),
      image,
      imageCmd: config.Cmd,
      network: networkName(this.id),
      volumeNames: Object.fromEntries((this.lab.volumes ?? []).map((v) => [v.name, volumeName(this.id, v.name)])),
      labels: labelsFor(this.lab.id, this.id, 'machine'),
      env: sessionIdentity(this.lab, this.id),
    }));
    if (machine.outbound) await this.docker.getNetwork(egressNetworkName(this.id)).connect({ Container: containerName(this.id, machine.name) });
  }

  /** The boot id of the kernel containers run on, as a container sees it: true for any engine. */
  private engineBootId(): Promise<string> {
    this.hostBootId ??= runHelper(this.docker, { cmd: ['cat', '/proc/sys/kernel/random/boot_id'], labels: labelsFor(this.lab.id, this.id, 'helper') })
      .then((r) => r.stdout.trim(), () => '');
    return this.hostBootId;
  }

  /**
   * Ready means a process can be started in it (what a terminal or a check needs): its first
   * process runs. Asked of the engine rather than proven with an `exec true`, which would add a
   * round trip to every start; the first terminal or check is that proof.
   */
  private async waitUntilUsable(machine: string): Promise<void> {
    const name = containerName(this.id, machine);
    const state = await this.docker.getContainer(name).inspect().then((c) => c.State, (err: Error) => err);
    if (state instanceof Error || !state.Running) {
      const logs = await lastLogLines(this.docker, name);
      const why = state instanceof Error ? state.message : `it exited with code ${state.ExitCode}`;
      throw new Error(`machine "${machine}" did not start: ${why}${logs ? `\n${logs}` : ''}`);
    }
  }

  private machine(name: string): Machine {
    const m = this.lab.machines.find((x) => x.name === name);
    if (!m) throw new Error(`lab "${this.lab.id}" has no machine "${name}"`);
    return m;
  }

  private step(id: string): Step {
    const s = this.lab.steps.find((x) => x.id === id);
    if (!s) throw new Error(`lab "${this.lab.id}" has no step "${id}"`);
    return s;
  }

  /** Runs a script in a machine: exec in a container, /bin/sh on the host. */
  async runScript(machine: string, script: string, timeoutMs: number): Promise<ScriptResult> {
    const m = this.machine(machine);
    const bootId = await this.engineBootId();
    if (m.kind === 'host') return runHostScript(script, this.record!.workdir, { timeoutMs, env: this.hostScriptEnv(bootId) });
    const cannot = (why: string): ScriptResult => ({ exitCode: 125, output: `machine "${machine}" ${why}`, timedOut: false, truncated: false });
    if (m.kind === 'vm') {
      const vm = this.vms.get(machine);
      if (!vm) return cannot(this.unavailable.get(machine) ?? 'is not running');
      return vm.runScript(script, { timeoutMs, env: machineEnv(this.lab, this.id, bootId) })
        .catch((err: Error) => cannot(`cannot run commands: ${err.message}`));
    }
    return runContainerScript(this.docker, containerName(this.id, machine), script, {
      timeoutMs, env: machineEnv(this.lab, this.id, bootId),
    }).catch((err: Error) => ({
      exitCode: 125, output: `machine "${machine}" cannot run commands: ${err.message}`, timedOut: false, truncated: false,
    }));
  }

  private hostScriptEnv(bootId: string): Record<string, string> {
    const qemuPids = Object.fromEntries([...this.vms].map(([name, vm]) => [name, vm.pid]));
    return hostEnv(this.lab, this.id, bootId, this.images, this.record!.workdir, qemuPids);
  }

  /** A terminal on a machine; a VM's serial console is one terminal, shared by every open. */
  async openTerminal(machine: string, cols: number, rows: number): Promise<TerminalSession> {
    return this.terminals.open(machine, await this.terminalTarget(machine), cols, rows);
  }

  private async terminalTarget(name: string): Promise<TerminalTarget> {
    const m = this.machine(name);
    if (m.kind === 'container') return { kind: 'container', docker: this.docker, container: containerName(this.id, name) };
    if (m.kind === 'vm') {
      const vm = this.vms.get(name);
      if (!vm) throw new Error(`machine "${name}" ${this.unavailable.get(name) ?? 'is not running'}`);
      return { kind: 'vm', vm };
    }
    return { kind: 'host', cwd: this.record!.workdir, env: this.hostScriptEnv(await this.engineBootId()) };
  }

  private checkContext(): CheckContext {
    return {
      docker: this.docker,
      containerName: (m) => containerName(this.id, m),
      volumeName: (v) => volumeName(this.id, v),
      imageRef: (i) => resolveImageRef(this.images, i),
      helperLabels: labelsFor(this.lab.id, this.id, 'helper'),
      runScript: (m, s, t) => this.runScript(m, s, t),
    };
  }

  async check(stepId: string): Promise<CheckResult> {
    const step = this.step(stepId);
    if (!step.check) return { ok: true, messages: [] };
    return runCheck(this.checkContext(), step.check);
  }

  /** Runs the step's solution, action by action, stopping at the first that fails. */
  async solve(stepId: string): Promise<CheckResult> {
    for (const action of this.step(stepId).solve ?? []) {
      const timeoutS = action.timeout ?? SOLVE_TIMEOUT_S;
      const r = await this.runScript(action.machine, action.script, timeoutS * 1000);
      if (r.exitCode !== 0 || r.timedOut) {
        return { ok: false, messages: describeScriptFailure(r, timeoutS).map((m) => `solution in "${action.machine}": ${m}`) };
      }
    }
    return { ok: true, messages: [] };
  }

  /** Back to the lab's first state: machines and volumes made anew, images kept. */
  async reset(sink: ProgressSink = noProgress): Promise<void> {
    await this.terminals.closeAll(false);
    await this.stopVms();
    await removeSessionResources(this.docker, await findSessionResources(this.docker, this.id));
    await rm(this.record!.workdir, { recursive: true, force: true });
    this.record = await writeRecord({ id: this.id, lab: this.lab.id, labDir: this.loaded.dir, engine: this.engine.target });
    await this.createNetworkAndVolumes();
    await this.startMachines(sink);
  }

  /** Leaves the session running after this process exits (`run --keep`). */
  keep(): void {
    for (const vm of this.vms.values()) vm.release();
  }

  /** Stops and removes everything of this session; safe to call more than once, and while starting. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.starting?.catch(() => {});
      await this.cleanup();
    })();
    return this.stopping;
  }

  private async stopVms(): Promise<void> {
    await Promise.all([...this.vms.values()].map((vm) => vm.stop().catch(() => {})));
    this.vms.clear();
    await collectVms({ session: this.id }); // any VM whose start was cut short
  }

  private async cleanup(): Promise<void> {
    await this.terminals.closeAll(true);
    await this.stopVms();
    const errors = await removeSessionResources(this.docker, await findSessionResources(this.docker, this.id));
    await removeRecord(this.id);
    if (errors.length) throw new Error(`session ${this.id} was not fully removed:\n${errors.join('\n')}`);
  }
}
