// A lab machine of kind `docker-host`: the Docker host view. A helper container on the engine in
// the host's PID namespace, holding the engine's socket and a docker CLI, on the lab's network —
// the machine whose kernel the lab's containers share. On Linux with a local engine that is the
// learner's computer; on Docker Desktop, colima or Rancher Desktop it is their Linux VM; with a
// remote engine, that server. So `ps`, `/proc/PID`, `kill`, cgroups and `docker` mean the same
// everywhere, and nothing runs on the learner's own OS.
import type Docker from 'dockerode';
import type { EngineInfo } from './docker-engine.js';
import { DOCKER_HOST_IMAGE, ensureDockerHostImage } from '../images/docker-host-image.js';
import { progressTask, type ProgressSink } from '../progress.js';
import { containerName, networkName } from '../sessions/names.js';
import type { TerminalTarget } from '../terminals/terminal-registry.js';
import { runContainerScript } from './container-exec.js';
import { assertRunning } from './container-machine.js';
import type { MachineDriver, MachineStatus, SessionContext } from './machine-driver.js';
import { cannotRunIn, type ScriptOptions, type ScriptResult } from './script-result.js';
import { explain } from '../error-words.js';

/** The work folder inside the view: files of the lab's host-side steps live here. */
export const DOCKER_HOST_WORKDIR = '/lab';

/**
 * The engine's socket as a path on the Docker host. Docker Desktop, colima, Rancher Desktop and a
 * Linux engine all serve /var/run/docker.sock there, whatever path this computer reaches them by;
 * a rootless engine's socket is in its user's runtime dir, the same path for a local client.
 */
export async function engineSocketOnHost(docker: Docker, engine: EngineInfo): Promise<string> {
  const info = await docker.info() as { SecurityOptions?: string[] };
  const rootless = (info.SecurityOptions ?? []).some((o) => o.includes('name=rootless'));
  if (rootless && engine.target.startsWith('unix://')) return engine.target.slice('unix://'.length);
  return '/var/run/docker.sock';
}

/** One line shown when a terminal opens: which machine this shell is on. */
export function dockerHostBanner(engine: EngineInfo): string {
  const what = `${engine.os || 'Linux'}, kernel ${engine.kernel}`;
  switch (engine.location) {
    case 'local': return `This shell runs on the Docker host: your computer (${what}). The lab's containers share its kernel.`;
    case 'vm': return `This shell runs on the Docker host: the Linux VM (${what}) that runs Docker for your computer. The lab's containers share its kernel, not your computer's.`;
    case 'remote': return `This shell runs on the Docker host: ${engine.target}, the machine that runs your Docker engine (${what}).`;
  }
}

export class DockerHostView implements MachineDriver {
  readonly kind = 'docker-host';
  readonly runsOn = 'docker-host';
  readonly name: string;
  readonly container: string;

  constructor(spec: { name: string }, private readonly ctx: SessionContext) {
    this.name = spec.name;
    this.container = containerName(ctx.session, spec.name);
  }

  async start(sink: ProgressSink): Promise<MachineStatus> {
    const began = Date.now();
    const { docker, engine } = this.ctx;
    await ensureDockerHostImage(docker, engine, sink);
    const task = progressTask(sink, `machine ${this.name}`);
    task.update('starting the Docker host view');
    try {
      const socket = await engineSocketOnHost(docker, engine);
      const env = { ...await this.ctx.driverEnv(), LAB_WORKDIR: DOCKER_HOST_WORKDIR, LAB_DOCKER_HOST_BANNER: dockerHostBanner(engine) };
      await this.ctx.resourcesReady();
      await docker.createContainer({
        name: this.container,
        Image: DOCKER_HOST_IMAGE,
        Cmd: ['sleep', '2147483647'],
        Hostname: 'docker-host',
        WorkingDir: DOCKER_HOST_WORKDIR,
        Env: Object.entries(env).map(([k, v]) => `${k}=${v}`),
        Labels: this.ctx.labels('host-view'),
        HostConfig: {
          // The host's process table, and the engine itself: this shell is root on the Docker host.
          PidMode: 'host',
          Mounts: [{ Type: 'bind', Source: socket, Target: '/var/run/docker.sock' }],
          NetworkMode: networkName(this.ctx.session),
          Init: true,
          SecurityOpt: ['no-new-privileges'],
          Memory: 256 * 1024 * 1024, MemorySwap: 256 * 1024 * 1024, PidsLimit: 512, NanoCpus: 1e9,
        },
      });
      await docker.getContainer(this.container).start();
      await assertRunning(this.ctx, this.name, this.container);
      // Proven, not assumed: the CLI inside reaches the engine through the socket on the host.
      const probe = await runContainerScript(docker, this.container, 'docker version --format "{{.Server.Version}}"', { timeoutMs: 15_000 });
      if (probe.exitCode !== 0) {
        throw new Error(`the Docker host view cannot reach the engine through ${socket} on the Docker host: ${probe.output.trim()}`);
      }
    } catch (caught) {
      // The engine's refusal in words, naming this machine (engine-error-words.ts).
      const err = explain(caught, { machine: this.name, container: this.container }) as Error;
      task.failed(err.message);
      throw err;
    }
    task.done();
    return { name: this.name, kind: this.kind, readyMs: Date.now() - began, phases: [{ phase: 'running', atMs: Date.now() - began }] };
  }

  async runScript(script: string, opts: ScriptOptions): Promise<ScriptResult> {
    // Facts of machines that appeared after the view started (none run on the Docker host yet).
    return runContainerScript(this.ctx.docker, this.container, script, { ...opts, env: { ...this.ctx.factsFor('docker-host'), ...opts.env } })
      .catch((err: Error) => cannotRunIn(this.name, this.container, err));
  }

  async terminalTarget(): Promise<TerminalTarget> {
    return { via: 'exec', docker: this.ctx.docker, container: this.container, env: this.ctx.factsFor('docker-host') };
  }

  async stop(): Promise<void> {} // removed with the session's labelled resources
  facts(): Record<string, string> { return {}; }
  keep(): void {}
}
