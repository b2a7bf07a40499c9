// One running lab: its images, network, volumes and machines, and the step actions on them.
// Start is all-or-nothing: if any part fails (or stop is asked meanwhile), everything already
// created is removed before the error is passed on. Made elsewhere: the networks and volumes
// (session-network.ts), the steps' check, question and solution (step-actions.ts), what needs
// trust here (trust-here.ts).
/* eslint-disable max-lines -- the rest is one lifecycle (start, reset, stop) over one set of
   drivers and resources, which reads best whole. */
import { TrustRequiredError } from '../errors.js';
import { explain } from '../error-words.js';
import type Docker from 'dockerode';
import { rm } from 'node:fs/promises';
import type { LoadedLab } from '../labs/load.js';
import { labelsFor } from '../labels.js';
import type { EngineInfo } from '../machines/docker-engine.js';
import { ensureBaseImage } from '../images/base-image.js';
import { ensureLabImages, removeDisplacedLabImages, resolveImageRef, type LabImages } from '../images/lab-images.js';
import { runHelper } from '../machines/helper-container.js';
import { createDrivers } from '../machines/drivers.js';
import type { MachineDriver, MachineStatus, SessionContext } from '../machines/machine-driver.js';
import { writeFootprint } from '../lenses/footprint.js';
import { cannotRun, type ScriptResult } from '../machines/script-result.js';
import type { CheckContext } from '../checks/run-check.js';
import type { CheckResult } from '../checks/check-result.js';
import type { ComputedValue } from '../checks/answer-question.js';
import { noProgress, type ProgressSink } from '../progress.js';
import { containerName, egressNetworkName, networkName, newSessionId, portRelayName, volumeName } from './names.js';
import { startPortRelay } from '../machines/port-publisher.js';
import { driverEnv, machineEnv } from './script-env.js';
import { findSessionResources, removeSessionResources } from './cleanup.js';
import { markKept, removeRecord, writeRecord, type SessionRecord } from './registry.js';
import { markKeptOnEngine } from './kept-marker.js';
import { createNetworkAndVolumes, publishedPorts } from './session-network.js';
import { StepActions } from './step-actions.js';
import { trustReasonsHere } from './trust-here.js';
import { TerminalRegistry } from '../terminals/terminal-registry.js';
import type { TerminalSession } from '../terminals/terminal-session.js';


export interface StartOptions {
  /** The user trusts this lab: required when it asks for more than the safe default (trust.ts). */
  trust?: boolean;
  progress?: ProgressSink;
}

export class LabSession {
  readonly id = newSessionId();
  /** Each machine as its start left it. */
  private started: MachineStatus[] = [];
  /** Told when a machine stops by itself (a VM's runner died). */
  private readonly stopListeners = new Set<(machine: string) => void>();
  /** Closed when the session stops or resets. */
  readonly terminals = new TerminalRegistry();
  private images: LabImages = {};
  /** The drivers of the machines, by name, once they are being started. */
  private readonly drivers = new Map<string, MachineDriver>();
  private hostBootId?: Promise<string>;
  /** The session's networks and volumes, being made or made. */
  private resources?: Promise<void>;
  private record?: SessionRecord;
  private starting?: Promise<void>;
  private stopping?: Promise<void>;

  /** What the machine drivers ask of this session. */
  private readonly context: SessionContext;
  /** The steps' check, question and solution, run on this session's machines. */
  private readonly steps: StepActions;

  constructor(readonly docker: Docker, readonly engine: EngineInfo, readonly loaded: LoadedLab) {
    this.context = {
      docker, engine, session: this.id, lab: loaded.lab,
      labels: (role) => labelsFor(this.lab.id, this.id, role),
      imageRef: (image) => resolveImageRef(this.images, image),
      machineEnv: async () => machineEnv(this.lab, this.id, await this.engineBootId()),
      driverEnv: async () => driverEnv(this.lab, this.id, await this.engineBootId(), this.images),
      computerWorkdir: () => this.record!.workdir,
      factsFor: (place) => Object.assign({}, ...[...this.drivers.values()].map((d) => d.facts(place))),
      assertNotStopping: () => this.assertNotStopping(),
      resourcesReady: () => this.resources ?? Promise.reject(new Error(`session ${this.id} has no network yet`)),
      machineStopped: (machine) => { for (const l of this.stopListeners) l(machine); },
    };
    this.steps = new StepActions(loaded.lab, (m, s, t) => this.runScript(m, s, t), () => this.checkContext());
  }

  /** Each machine as it started, and why it stopped if it stopped by itself since. */
  get machines(): MachineStatus[] {
    return this.started.map((m) => {
      const stopped = this.drivers.get(m.name)?.stopped;
      return stopped ? { ...m, stopped } : m;
    });
  }

  /** Calls `listener` when a machine stops by itself (`machines` then says why); returns the unsubscribe. */
  onMachineStopped(listener: (machine: string) => void): () => void {
    this.stopListeners.add(listener);
    return () => this.stopListeners.delete(listener);
  }

  /** The lab images this session was started from (the image lens shows these, not every cached build). */
  labImageRefs(): string[] {
    return Object.values(this.images);
  }

  get lab() { return this.loaded.lab; }

  /** Builds images and starts every machine; on failure leaves nothing behind. */
  start(opts: StartOptions = {}): Promise<void> {
    this.starting = (async () => {
      // Refused before anything exists: an untrusted lab leaves nothing behind.
      if (!opts.trust) {
        const reasons = await trustReasonsHere(this.loaded, this.engine);
        if (reasons.length) throw new TrustRequiredError(this.lab.id, reasons);
      }
      await this.startAll(opts.progress ?? noProgress).catch(async (err) => {
        await this.cleanup();
        throw err;
      });
    })();
    return this.starting;
  }

  private async startAll(sink: ProgressSink): Promise<void> {
    this.record = await writeRecord({ id: this.id, lab: this.lab.id, labDir: this.loaded.dir, engine: this.engine.target });
    await this.whileResourcesAreMade(async () => {
      await ensureBaseImage(this.docker, this.engine, sink);
      this.images = await ensureLabImages(this.docker, this.loaded, sink);
      this.assertNotStopping();
      await this.startMachines(sink);
    });
  }

  /**
   * Runs `work` while the session's networks and volumes are made: they depend neither on the
   * images nor on what machines prepare (a VM's kernel, runner and initramfs), and machines wait
   * for them (`resourcesReady`) only to create their containers. They settle before an error is
   * passed on, so cleanup never races a half-made resource.
   */
  private async whileResourcesAreMade(work: () => Promise<void>): Promise<void> {
    const made = createNetworkAndVolumes(this.docker, this.lab, this.id);
    made.catch(() => {}); // passed on below, or by the machines that wait for it
    this.resources = made;
    try {
      await work();
    } finally {
      await made.catch(() => {});
    }
    await made;
  }

  private assertNotStopping(): void {
    if (this.stopping) throw new Error(`session ${this.id} was stopped while starting`);
  }

  private async startMachines(sink: ProgressSink): Promise<void> {
    this.assertNotStopping();
    const drivers = createDrivers(this.lab.machines, this.context, sink);
    for (const d of drivers) this.drivers.set(d.name, d);
    // Wait for every machine to settle, even when one fails: cleanup must not race a start.
    const settled = await Promise.allSettled(drivers.map((d) => d.start(sink)));
    const failure = settled.find((r) => r.status === 'rejected');
    if (failure) throw failure.reason;
    const ports = publishedPorts(this.lab);
    if (ports.length) {
      await this.context.resourcesReady();
      await startPortRelay(this.docker, {
        name: portRelayName(this.id), ports, labNetwork: networkName(this.id), egressNetwork: egressNetworkName(this.id),
        labels: labelsFor(this.lab.id, this.id, 'helper'),
      });
    }
    this.started = settled.map((r) => (r as PromiseFulfilledResult<MachineStatus>).value);
    await writeFootprint({
      session: this.id, lab: this.lab.id, startedAt: new Date().toISOString(), samples: [],
      machines: this.started.filter((m) => !m.unavailable).map((m) => ({
        name: m.name, kind: m.kind, readyMs: m.readyMs, phases: m.phases ?? [], ...(m.boot ? { accel: m.boot.accel } : {}),
      })),
    }).catch(() => {}); // a lens's history: never a reason for a lab not to start
  }

  /** The boot id of the kernel containers run on, as a container sees it: true for any engine. */
  private engineBootId(): Promise<string> {
    this.hostBootId ??= runHelper(this.docker, { cmd: ['cat', '/proc/sys/kernel/random/boot_id'], labels: labelsFor(this.lab.id, this.id, 'helper') })
      .then((r) => r.stdout.trim(), () => '');
    return this.hostBootId;
  }

  /** The machine's driver; undefined while it is not started (yet, or any more). */
  private driver(name: string): MachineDriver | undefined {
    if (!this.lab.machines.some((m) => m.name === name)) throw new Error(`lab "${this.lab.id}" has no machine "${name}"`);
    return this.drivers.get(name);
  }

  /** Runs a script in a machine, whatever its kind. */
  async runScript(machine: string, script: string, timeoutMs: number): Promise<ScriptResult> {
    return this.driver(machine)?.runScript(script, { timeoutMs }) ?? cannotRun(machine, 'is not running');
  }

  /** A terminal on a machine; a VM's serial console is one terminal, shared by every open. */
  async openTerminal(machine: string, cols: number, rows: number): Promise<TerminalSession> {
    const d = this.driver(machine);
    if (!d) throw new Error(`machine "${machine}" is not running`);
    try {
      return await this.terminals.open(machine, d.kind, await d.terminalTarget(), cols, rows);
    } catch (err) {
      // The learner may have stopped it (docker stop): say so, and how to start it again.
      throw explain(err, { machine, ...(d.container ? { container: d.container } : {}) });
    }
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

  async check(stepId: string): Promise<CheckResult> { return this.steps.check(stepId); }
  /** Answers the step's question: a choice's text, or a typed value against what its machine computes now. */
  async answer(stepId: string, given: string): Promise<CheckResult> { return this.steps.answer(stepId, given); }
  /** The right answer to the step's question as it stands now (for `labvisor test`; never sent to a learner). */
  async rightAnswer(stepId: string): Promise<ComputedValue> { return this.steps.rightAnswer(stepId); }
  /** Runs the step's solution, action by action, stopping at the first that fails. */
  async solve(stepId: string): Promise<CheckResult> { return this.steps.solve(stepId); }

  /**
   * Back to the lab's first state: machines and volumes made anew, images kept — and made again
   * when the learner removed one (a step may ask them to retire the old image).
   */
  async reset(sink: ProgressSink = noProgress): Promise<void> {
    await this.terminals.closeAll(false);
    await this.stopMachines();
    await removeSessionResources(this.docker, await findSessionResources(this.docker, this.id));
    await rm(this.record!.workdir, { recursive: true, force: true });
    this.record = await writeRecord({ id: this.id, lab: this.lab.id, labDir: this.loaded.dir, engine: this.engine.target });
    await this.whileResourcesAreMade(async () => {
      this.images = await ensureLabImages(this.docker, this.loaded, sink);
      await this.startMachines(sink);
    });
  }

  /**
   * Leaves the session running after this process exits (`run --keep`): marked kept on the engine,
   * for every gc, and in its record, for `labvisor ps` when the engine cannot be asked.
   */
  async keep(): Promise<void> {
    for (const d of this.drivers.values()) d.keep();
    await markKeptOnEngine(this.docker, this.lab.id, this.id);
    await markKept(this.id);
  }

  /** Stops and removes everything of this session; safe to call more than once, and while starting. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      await this.starting?.catch(() => {});
      await this.cleanup();
    })();
    return this.stopping;
  }

  /** Stops each machine in order (a VM powers off first); the labelled resources go after. */
  private async stopMachines(): Promise<void> {
    await Promise.all([...this.drivers.values()].map((d) => d.stop().catch(() => {})));
    this.drivers.clear();
  }

  private async cleanup(): Promise<void> {
    await this.terminals.closeAll(true);
    await this.stopMachines();
    const errors = await removeSessionResources(this.docker, await findSessionResources(this.docker, this.id));
    await removeDisplacedLabImages(this.docker, this.lab.id);
    await removeRecord(this.id);
    if (errors.length) throw new Error(`session ${this.id} was not fully removed:\n${errors.join('\n')}`);
  }
}
