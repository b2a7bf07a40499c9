// One running VM: a supervised QEMU process, its QMP socket, the learner's console and the
// guest agent. Start tries the best accelerator and falls back to TCG when it does not boot
// in time; stop asks the guest to power off, then QMP quit, then SIGKILL.
import { BootTimeout } from '../../errors.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AgentClient, type AgentHello } from './agent-client.js';
import { acceleratorPlan, recordVerdict } from './accelerator.js';
import type { Socket } from 'node:net';
import { connectLines, connectUnix } from './line-socket.js';
import { Qmp } from './qmp.js';
import { qemuArgs, type Accelerator, type VmLaunch } from './qemu-args.js';
import type { QemuBinary } from './qemu-binary.js';
import { removeVmRecord, writeVmRecord } from './vm-records.js';
import type { ScriptOptions, ScriptResult } from '../script-result.js';

/** How long a boot may take before the accelerator is judged hung (hardware) or the VM failed (TCG). */
const BOOT_DEADLINE_MS: Record<Accelerator, number> = { kvm: 10_000, hvf: 10_000, whpx: 15_000, tcg: 90_000 };

export interface BootTimeline {
  accel: Accelerator;
  /** Why this accelerator (e.g. "kvm: present, hung in 10 s; using tcg"). */
  accelReason: string;
  /** Milliseconds from spawning QEMU: its QMP socket answers, the guest kernel starts, init runs the agent, a shell prompt shows on the console. */
  processMs: number;
  kernelMs: number;
  initMs: number;
  shellMs: number;
}

export interface VmSpec {
  session: string;
  machine: string;
  qemu: QemuBinary;
  kernel: string;
  initrd: string;
  memoryMb: number;
  cpus: number;
  hostname: string;
  ports: Array<{ guest: number; host: number }>;
  /** The lab is trusted to reach the host's loopback and the internet; required, so no caller forgets to decide. */
  outbound: boolean;
}

/** Every QEMU this process started, killed if Node exits without stopping them. */
const running = new Set<ChildProcess>();
process.on('exit', () => { for (const p of running) p.kill('SIGKILL'); });

/** A console prompt of a shell: `# ` or `$ ` at the end of what ttyS0 printed. */
const PROMPT = /[#$] $/;
/** Terminal escape sequences (busybox's shell asks for the cursor position after its prompt). */
// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;

export class VmMachine {
  private constructor(
    readonly spec: VmSpec,
    readonly timeline: BootTimeline,
    readonly hello: AgentHello,
    private readonly proc: ChildProcess,
    private readonly qmp: Qmp,
    private readonly agent: AgentClient,
    /** The learner's console (ttyS0); terminals attach here. */
    readonly console: Socket,
    readonly runDir: string,
  ) {}

  static async start(spec: VmSpec): Promise<VmMachine> {
    const plan = await acceleratorPlan(spec.qemu.version);
    const failures: Array<{ accel: Accelerator; detail: string }> = [];
    for (const [i, choice] of plan.entries()) {
      const reason = failures.length ? `${failures.map((f) => `${f.accel}: present, ${f.detail}`).join('; ')}; using ${choice.accel}` : choice.reason;
      try {
        const vm = await VmMachine.boot(spec, choice.accel, reason);
        if (choice.accel !== 'tcg') await recordVerdict(spec.qemu.version, choice.accel, true, 'boots');
        // Only now is a failure known to be the accelerator's: the same VM booted without it.
        for (const f of failures) await recordVerdict(spec.qemu.version, f.accel, false, f.detail);
        return vm;
      } catch (err) {
        if (i === plan.length - 1) throw err;
        // A hardware accelerator may hang (nested KVM) or make QEMU abort (an MSR it cannot set): try the next.
        failures.push({ accel: choice.accel, detail: err instanceof BootTimeout ? `hung in ${BOOT_DEADLINE_MS[choice.accel] / 1000} s` : `failed (${firstLine(err)})` });
      }
    }
    throw new Error('no accelerator to try'); // unreachable: TCG is always in the plan
  }

  private static async boot(spec: VmSpec, accel: Accelerator, accelReason: string): Promise<VmMachine> {
    const runDir = await mkdtemp(join(tmpdir(), `lv-${spec.session}-${spec.machine}-`));
    const launch: VmLaunch = {
      arch: spec.qemu.arch, accel, kernel: spec.kernel, initrd: spec.initrd, memoryMb: spec.memoryMb, cpus: spec.cpus,
      hostname: spec.hostname, ports: spec.ports, outbound: spec.outbound, sandbox: spec.qemu.sandbox, tscKhz: await hostTscKhz(),
      qmpSocket: join(runDir, 'qmp.sock'), consoleSocket: join(runDir, 'console.sock'),
      agentSocket: join(runDir, 'agent.sock'), pidfile: join(runDir, 'qemu.pid'),
    };
    const began = Date.now();
    // Its own process group: a Ctrl-C in the terminal reaches Labvisor, which stops the VM in order.
    const proc = spawn(spec.qemu.path, qemuArgs(launch), { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
    running.add(proc);
    let stderr = '';
    proc.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-4000); });
    const exited = new Promise<never>((_, reject) => proc.once('exit', (code, signal) => {
      running.delete(proc);
      reject(new QemuExited(signal ?? `code ${code}`));
    }));
    exited.catch(() => {}); // observed below; a later exit is not an error here
    const deadline = BOOT_DEADLINE_MS[accel];
    let consoleTail = '';
    // The last console lines, and the panic line itself when a stack trace pushed it out of them.
    const lastConsoleLines = () => {
      const lines = consoleTail.replace(ESCAPES, '').trim().split(/\r?\n/);
      const panic = lines.slice(0, -12).find((l) => /Kernel panic/.test(l));
      return [...(panic ? [panic, '…'] : []), ...lines.slice(-12)].join('\n');
    };
    try {
      await writeVmRecord(spec.session, spec.machine, proc.pid!, runDir);
      const qmp = await Promise.race([Qmp.connect(launch.qmpSocket, 10_000), exited]);
      const processMs = Date.now() - began;
      const [consoleSocket, agentLines] = await Promise.all([connectUnix(launch.consoleSocket, 5000), connectLines(launch.agentSocket, 5000)]);
      const agent = new AgentClient(agentLines);
      const prompt = watchForPrompt(consoleSocket);
      const keepTail = (c: Buffer) => { consoleTail = (consoleTail + c.toString('utf8')).slice(-16_000); };
      consoleSocket.on('data', keepTail);
      const hello = await Promise.race([agent.waitForHello(deadline), exited]).catch((err: Error) => {
        throw /no answer within/.test(err.message) ? new BootTimeout(spec.machine, accel, deadline, lastConsoleLines()) : err;
      });
      consoleSocket.off('data', keepTail);
      const initMs = Date.now() - began;
      // The shell prints its prompt once ttyS0 is opened; nudge it in case it already did.
      consoleSocket.write('\n');
      await Promise.race([prompt, exited, new Promise((r) => setTimeout(r, 10_000))]);
      const timeline: BootTimeline = {
        accel, accelReason, processMs,
        kernelMs: Math.max(processMs, Math.round(initMs - hello.uptimeS * 1000)),
        initMs, shellMs: Date.now() - began,
      };
      return new VmMachine(spec, timeline, hello, proc, qmp, agent, consoleSocket, runDir);
    } catch (err) {
      // A socket closing first usually means QEMU is exiting: report the exit, which says why.
      const exit = err instanceof QemuExited ? err
        : await Promise.race([exited.catch((e: unknown) => e), new Promise((r) => setTimeout(r, 1000))]);
      proc.kill('SIGKILL');
      await removeVmRecord(spec.session, spec.machine);
      await rm(runDir, { recursive: true, force: true });
      if (!(exit instanceof QemuExited)) throw err;
      await new Promise((r) => setTimeout(r, 100)); // let the console's last bytes arrive
      const console = lastConsoleLines();
      throw new Error(`QEMU exited (${exit.how}) while booting "${spec.machine}": ${stderr.trim() || 'it gave no reason'}` +
        (console ? `\nLast console lines:\n${console}` : ''));
    }
  }

  get pid(): number { return this.proc.pid!; }

  runScript(script: string, opts: ScriptOptions): Promise<ScriptResult> {
    return this.agent.run(script, opts);
  }

  resize(rows: number, cols: number): void { this.agent.resize(rows, cols); }

  /** Lets the VM outlive this process (`run --keep`): `labvisor stop` or `gc --all` ends it later. */
  release(): void {
    running.delete(this.proc);
    this.proc.stderr?.destroy();
    this.proc.unref();
    this.agent.close();
    this.qmp.close();
    this.console.destroy();
  }

  /** Guest power-off through the agent, then QMP quit, then SIGKILL; always forgets the VM. */
  async stop(): Promise<void> {
    const gone = new Promise<void>((resolve) => {
      if (this.proc.exitCode !== null || this.proc.signalCode !== null) resolve();
      else this.proc.once('exit', () => resolve());
    });
    const within = (ms: number) => Promise.race([gone.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ms))]);
    this.agent.powerOff();
    if (!(await within(3000))) {
      await this.qmp.execute('quit').catch(() => {});
      if (!(await within(2000))) this.proc.kill('SIGKILL');
    }
    await gone;
    running.delete(this.proc);
    this.agent.close();
    this.qmp.close();
    this.console.destroy();
    await removeVmRecord(this.spec.session, this.spec.machine);
    await rm(this.runDir, { recursive: true, force: true });
  }
}

/** The host CPU's clock in kHz (what TCG's TSC follows), from /proc/cpuinfo; 2 GHz if unknown. */
async function hostTscKhz(): Promise<number> {
  const info = await readFile('/proc/cpuinfo', 'utf8').catch(() => '');
  const mhz = Number(/^cpu MHz\s*:\s*([\d.]+)/m.exec(info)?.[1]);
  return mhz > 0 ? Math.round(mhz * 1000) : 2_000_000;
}

/** The gist of a boot error: QEMU's own complaint when it gave one. */
function firstLine(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  const qemuSaid = /qemu-system-\S+: (?:error: )?(.+)/.exec(message);
  return (qemuSaid?.[1] ?? message.split('\n')[0] ?? '').slice(0, 160);
}

class QemuExited extends Error {
  constructor(readonly how: string) { super(`QEMU exited (${how})`); }
}

/** Resolves when the console shows a shell prompt (on a partial line, so not via line reads). */
function watchForPrompt(console: Socket): Promise<void> {
  return new Promise((resolve) => {
    let tail = '';
    const onData = (chunk: Buffer) => {
      tail = (tail + chunk.toString('utf8')).slice(-200);
      if (PROMPT.test(tail.replace(ESCAPES, ''))) {
        console.off('data', onData);
        resolve();
      }
    };
    console.on('data', onData);
  });
}
