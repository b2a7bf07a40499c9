// One running VM: QEMU as PID 1 of a runner container on the engine, on the lab's network (as
// KubeVirt's virt-launcher runs it). The learner's console is the container's stdin and stdout;
// the guest agent is reached through an exec into the runner. Start tries the best accelerator
// and falls back to TCG when it does not boot in time; stop asks the guest to power off, then
// stops the container. A runner that stops otherwise (QEMU died, the container was killed or
// removed behind our back) takes the VM with it, and `stopped` says why. The container is
// labelled like every machine: gc and session cleanup remove it, and QEMU with it, whatever
// happened to this process. Its spec is vm-spec.ts; the agent's channel, agent-bridge.ts.
import { BootTimeout, NoAnswerError } from '../../errors.js';
import type { BootTimeline } from '../../../shared/api.js';
import type Docker from 'dockerode';
import { Duplex, PassThrough } from 'node:stream';
import type { ExecStream } from '../exec-stream.js';
import { AgentClient, type AgentHello } from './agent-client.js';
import { acceleratorPlan, recordVerdict, type VerdictKey } from './accelerator.js';
import { openAgent } from './agent-bridge.js';
import { RUN_VM, RUN_VM_DISKS_ENV } from '../../images/run-vm-script.js';
import { qemuArgs, runnerDiskDir, type Accelerator } from './qemu-args.js';
import { bootFailed, explainEnd, RunnerTail, runnerEndMeaning, type RunnerEnd } from './runner-end.js';
import type { ScriptOptions, ScriptResult } from '../script-result.js';
import type { VmSpec } from './vm-spec.js';
import { failOnExit, waitForExit, watchForPrompt } from './boot-waits.js';

/** How long a boot may take before the accelerator is judged hung (hardware) or the VM failed (TCG). */
const BOOT_DEADLINE_MS: Record<Accelerator, number> = { kvm: 10_000, hvf: 10_000, whpx: 15_000, tcg: 90_000 };
/** QEMU's own memory beside the guest's: the runner's limit is the VM's memory plus this. */
export const RUNNER_OVERHEAD_MB = 256;
/** Marks a runner container, so lenses tell a VM from a container machine. */
export const RUNNER_LABEL = 'io.labvisor.vm-runner';

const QEMU_BIN = { x86_64: 'qemu-system-x86_64', aarch64: 'qemu-system-aarch64' } as const;

export class VmMachine {
  private constructor(
    readonly spec: VmSpec,
    /** The boot's phases and accelerator, as the API's MachineStatus reports them. */
    readonly timeline: BootTimeline,
    readonly hello: AgentHello,
    private readonly docker: Docker,
    /** The learner's console (ttyS0), as the runner's stdio; terminals attach here. */
    readonly console: Duplex,
    private readonly bridge: ExecStream,
    private readonly agent: AgentClient,
    /** The runner's attached stdio, and what ends the wait on its exit: both hold this process open. */
    private readonly stdio: Duplex,
    private readonly watching: AbortController,
    /** QEMU's PID on the Docker host (the runner's first process; a guest reboot keeps it). */
    readonly pid: number,
    private readonly tail: RunnerTail,
    /** The runner's exit code once it stops; rejects when `watching` is aborted. */
    runnerExit: Promise<number>,
  ) {
    this.ended = runnerExit.then(() => this.afterEnd(), () => this.afterEnd());
  }

  /** Settles once the runner stopped, or this process let go of it: why it stopped by itself, or undefined when that was us. */
  readonly ended: Promise<string | undefined>;
  private why?: string;
  /** Set by stop() and release(): the runner's end is ours from then on, not news. */
  private stopping = false;

  /** Why the runner stopped by itself (not by stop() or release()); undefined while it runs. */
  get stopped(): string | undefined { return this.why; }

  static async start(docker: Docker, spec: VmSpec): Promise<VmMachine> {
    const key: VerdictKey = { runnerImageId: (await docker.getImage(spec.runnerImage).inspect()).Id, engineKernel: spec.engineKernel };
    const plan = await acceleratorPlan(docker, key, spec.sameArch);
    const failures: Array<{ accel: Accelerator; detail: string }> = [];
    for (const [i, choice] of plan.entries()) {
      const reason = failures.length ? `${failures.map((f) => `${f.accel}: ${f.detail}`).join('; ')}; using ${choice.accel}` : choice.reason;
      try {
        const vm = await VmMachine.boot(docker, spec, choice.accel, reason);
        if (choice.accel !== 'tcg') await recordVerdict(docker, key, choice.accel, { ok: true, detail: 'boots' });
        // Only now is a failure known to be the accelerator's: the same VM booted without it.
        for (const f of failures) await recordVerdict(docker, key, f.accel, { ok: false, detail: f.detail });
        return vm;
      } catch (err) {
        if (i === plan.length - 1) throw err;
        failures.push({ accel: choice.accel, detail: err instanceof BootTimeout ? `hung in ${BOOT_DEADLINE_MS[choice.accel] / 1000} s` : `failed (${firstLine(err)})` });
      }
    }
    throw new Error('no accelerator to try'); // unreachable: TCG is always in the plan
  }

  private static async boot(docker: Docker, spec: VmSpec, accel: Accelerator, accelReason: string): Promise<VmMachine> {
    const args = qemuArgs({
      arch: spec.arch, accel, memoryMb: spec.memoryMb, cpus: spec.cpus, hostname: spec.hostname, ports: spec.ports,
      disks: spec.disks ?? [],
    });
    const mib = 1024 * 1024;
    const container = await docker.createContainer({
      name: spec.container,
      Image: spec.bootImage,
      Entrypoint: [RUN_VM], Cmd: [QEMU_BIN[spec.arch], ...args],
      Env: spec.disks?.length ? [`${RUN_VM_DISKS_ENV}=${spec.disks.map((d) => d.sizeMb).join(',')}`] : [],
      Hostname: spec.hostname,
      Labels: { ...spec.labels, [RUNNER_LABEL]: spec.machine },
      OpenStdin: true, StdinOnce: false, AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false,
      HostConfig: {
        NetworkMode: spec.network,
        CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'],
        Memory: (spec.memoryMb + RUNNER_OVERHEAD_MB) * mib, MemorySwap: (spec.memoryMb + RUNNER_OVERHEAD_MB) * mib,
        NanoCpus: spec.cpus * 1e9, PidsLimit: 64,
        Mounts: (spec.disks ?? []).map((d, i) => ({ Type: 'volume' as const, Source: d.volume, Target: runnerDiskDir(i) })),
        Devices: accel === 'kvm' ? [{ PathOnHost: '/dev/kvm', PathInContainer: '/dev/kvm', CgroupPermissions: 'rwm' }] : [],
        // The console, as `docker logs` shows it: bounded.
        LogConfig: { Type: 'json-file', Config: { 'max-size': '1m', 'max-file': '1' } },
      },
      NetworkingConfig: { EndpointsConfig: { [spec.network]: { Aliases: [spec.machine] } } },
    });
    let bridge: ExecStream | undefined;
    const tail = new RunnerTail();
    // A panicking guest would reboot (panic=-1) and maybe panic again: stop it at the first.
    tail.onPanic = () => { void container.kill().catch(() => {}); };
    let started = false;
    let runnerExit: Promise<number> | undefined;
    const watching = new AbortController();
    try {
      if (spec.egressNetwork) await docker.getNetwork(spec.egressNetwork).connect({ Container: container.id });
      // Attached before the start, so no byte of the boot is missed.
      const stdio = await container.attach({ stream: true, stdin: true, stdout: true, stderr: true, hijack: true }) as Duplex;
      const out = new PassThrough();
      const err = new PassThrough().on('data', tail.keepStderr);
      docker.modem.demuxStream(stdio, out, err);
      stdio.once('end', () => out.end());
      stdio.on('error', () => out.end());
      const console = Duplex.from({ readable: out, writable: stdio });
      console.on('error', () => {}); // it closes with the runner; terminals watch 'close'
      // Kept for the VM's whole life: what it showed last says why it failed or stopped.
      console.on('data', tail.keepConsole);
      const prompt = watchForPrompt(console);
      const began = Date.now();
      await container.start().catch((e: Error) => {
        throw /kvm/i.test(e.message) ? new Error(kvmStartError(e)) : e;
      });
      started = true;
      const info = await container.inspect();
      const processMs = Date.now() - began;
      runnerExit = waitForExit(docker, spec.container, watching.signal);
      const exited = failOnExit(runnerExit);
      const opened = await openAgent(docker, spec.container);
      bridge = opened.bridge;
      const deadline = BOOT_DEADLINE_MS[accel];
      const hello = await Promise.race([opened.agent.waitForHello(deadline), exited]).catch((e: Error) => {
        throw e instanceof NoAnswerError ? new BootTimeout(spec.machine, accel, deadline, tail.consoleLines()) : e;
      });
      const initMs = Date.now() - began;
      // The shell prints its prompt once ttyS0 is opened; nudge it in case it already did.
      stdio.write('\n');
      await Promise.race([prompt, exited, new Promise((r) => setTimeout(r, 10_000))]);
      const timeline: BootTimeline = {
        accel, accelReason, processMs,
        kernelMs: Math.max(processMs, Math.round(initMs - hello.uptimeS * 1000)),
        initMs, shellMs: Date.now() - began,
      };
      return new VmMachine(spec, timeline, hello, docker, console, opened.bridge, opened.agent, stdio, watching, info.State.Pid, tail, runnerExit);
    } catch (err) {
      // QEMU's exit closes the agent's channel a moment before the engine marks the runner
      // stopped: wait for that before judging how it ended.
      if (runnerExit && !(err instanceof BootTimeout)) await Promise.race([runnerExit.catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
      watching.abort();
      await bridge?.close();
      const state = await container.inspect().then((c) => c.State, () => undefined);
      await container.remove({ force: true }).catch(() => {});
      if (!started || !state || state.Running || err instanceof BootTimeout) throw err;
      throw new Error(bootFailed(spec.machine, state.ExitCode, tail, (err as Error).message));
    }
  }

  runScript(script: string, opts: ScriptOptions): Promise<ScriptResult> {
    return this.agent.run(script, opts);
  }

  resize(rows: number, cols: number): void { this.agent.resize(rows, cols); }

  /** Lets the VM outlive this process (`run --keep`): its agent is free for `labvisor lens`; `stop` or `gc --all` ends it. */
  async release(): Promise<void> {
    this.stopping = true;
    await this.letGo();
  }

  /** Lets go of the runner: the agent's bridge, the attached stdio, the wait on its exit. */
  private async letGo(): Promise<void> {
    this.watching.abort();
    await this.bridge.close();
    this.console.destroy();
    this.stdio.destroy();
  }

  /** Guest power-off through the agent, then the runner is stopped and removed. */
  async stop(): Promise<void> {
    this.stopping = true;
    const container = this.docker.getContainer(this.spec.container);
    this.agent.powerOff();
    const exited = await Promise.race([container.wait().then(() => true, () => true), new Promise<boolean>((r) => setTimeout(() => r(false), 3000))]);
    if (!exited) await container.kill().catch(() => {});
    await this.letGo();
    await container.remove({ force: true }).catch(() => {});
  }

  /** The runner stopped, or the wait on it ended: unless that was us, say why and let go of what is left of it. */
  private async afterEnd(): Promise<string | undefined> {
    if (this.stopping) return undefined;
    const end = await this.runnerEnd();
    if (!end) return undefined; // it still runs: only the wait broke
    this.why = explainEnd(runnerEndMeaning(end, this.spec.memoryMb), this.tail);
    await this.letGo();
    return this.why;
  }

  /** How the runner ended, as the engine tells it; undefined while it runs. */
  private async runnerEnd(): Promise<RunnerEnd | undefined> {
    if (this.tail.panicked) return { kind: 'panicked' };
    try {
      const { State, HostConfig } = await this.docker.getContainer(this.spec.container).inspect();
      if (State.Status === 'removing') return { kind: 'removed' };
      if (State.Running) return undefined;
      return { kind: 'exited', exitCode: State.ExitCode, oomKilled: State.OOMKilled, limitMb: Math.round((HostConfig.Memory ?? 0) / (1024 * 1024)) };
    } catch (err) {
      if ((err as { statusCode?: number }).statusCode === 404) return { kind: 'removed' };
      return { kind: 'unknown', error: firstLine(err) };
    }
  }
}


/** Why the runner could not start with /dev/kvm, in the fewest words: learners read it in doctor and the catalog. */
function kvmStartError(e: Error): string {
  if (/no such file or directory/i.test(e.message)) return 'no /dev/kvm on the Docker host';
  return `/dev/kvm refused on the Docker host (${firstLine(e).replace(/^\(HTTP code \d+\) server error - /, '')})`;
}

function firstLine(err: unknown): string {
  return String((err as Error)?.message ?? err).split('\n')[0]!.slice(0, 160);
}
