// A lab machine of kind `container`: created from its image on the lab's network, hardened by
// container-spec.ts; terminals and scripts are execs.
import type { ContainerMachine as ContainerMachineSpec } from '../labs/schema.js';
import type { MachinePhase } from '../lenses/footprint.js';
import { progressTask, type ProgressSink } from '../progress.js';
import { containerName, egressNetworkName, networkName, volumeName } from '../sessions/names.js';
import { sessionIdentity } from '../sessions/script-env.js';
import type { TerminalTarget } from '../terminals/terminal-registry.js';
import { runContainerScript } from './container-exec.js';
import { lastLogLines } from './container-logs.js';
import { containerSpec } from './container-spec.js';
import { explain } from '../error-words.js';
import type { MachineDriver, MachineStatus, SessionContext } from './machine-driver.js';
import { cannotRunIn, type ScriptOptions, type ScriptResult } from './script-result.js';

export class ContainerMachine implements MachineDriver {
  readonly kind = 'container';
  readonly runsOn = 'docker-host';
  readonly name: string;
  readonly container: string;

  constructor(private readonly spec: ContainerMachineSpec, private readonly ctx: SessionContext) {
    this.name = spec.name;
    this.container = containerName(ctx.session, spec.name);
  }

  async start(sink: ProgressSink): Promise<MachineStatus> {
    const began = Date.now();
    const task = progressTask(sink, `machine ${this.name}`);
    const phases: MachinePhase[] = [];
    const phase = (name: string) => phases.push({ phase: name, atMs: Date.now() - began });
    task.update('creating container');
    try {
      await this.create();
      phase('created');
      task.update('starting');
      await this.ctx.docker.getContainer(this.container).start();
      await assertRunning(this.ctx, this.name, this.container);
      phase('running');
    } catch (caught) {
      // The engine's refusal (too many CPUs, a taken port…) in words, naming this machine.
      const err = explain(caught, { machine: this.name, container: this.container }) as Error;
      task.failed(err.message);
      throw err;
    }
    task.done();
    return { name: this.name, kind: this.kind, readyMs: Date.now() - began, phases };
  }

  private async create(): Promise<void> {
    const { docker, lab, session } = this.ctx;
    const image = this.ctx.imageRef(this.spec.image);
    const config = (await docker.getImage(image).inspect()).Config;
    await this.ctx.resourcesReady();
    await docker.createContainer(containerSpec({
      machine: this.spec,
      containerName: this.container,
      image,
      imageCmd: config.Cmd,
      network: networkName(session),
      volumeNames: Object.fromEntries((lab.volumes ?? []).map((v) => [v.name, volumeName(session, v.name)])),
      labels: this.ctx.labels('machine'),
      env: sessionIdentity(lab, session),
    }));
    if (this.spec.outbound) await docker.getNetwork(egressNetworkName(session)).connect({ Container: this.container });
  }

  async runScript(script: string, opts: ScriptOptions): Promise<ScriptResult> {
    return runContainerScript(this.ctx.docker, this.container, script, { ...opts, env: { ...await this.ctx.machineEnv(), ...opts.env } })
      .catch((err: Error) => cannotRunIn(this.name, this.container, err));
  }

  async terminalTarget(): Promise<TerminalTarget> {
    return { via: 'exec', docker: this.ctx.docker, container: this.container };
  }

  async stop(): Promise<void> {} // removed with the session's labelled resources
  facts(): Record<string, string> { return {}; }
  keep(): void {}
}

/**
 * Ready means a process can be started in it (what a terminal or a check needs): its first
 * process runs. Asked of the engine rather than proven with an `exec true`, which would add a
 * round trip to every start; the first terminal or check is that proof.
 */
export async function assertRunning(ctx: SessionContext, machine: string, container: string): Promise<void> {
  const state = await ctx.docker.getContainer(container).inspect().then((c) => c.State, (err: Error) => err);
  if (state instanceof Error || !state.Running) {
    const logs = await lastLogLines(ctx.docker, container);
    const why = state instanceof Error ? state.message : `it exited with code ${state.ExitCode}`;
    throw new Error(`machine "${machine}" did not start: ${why}${logs ? `\n${logs}` : ''}`);
  }
}
