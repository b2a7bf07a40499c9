// The lenses behind the LabApi: the engine's lens functions, given what this host knows — its
// own sessions reach their VMs through the agents they hold; anything else (a session kept by
// `labvisor run --keep`) is reached the way the CLI reaches it.
import type Docker from 'dockerode';
import { ApiError, type Params, type Result } from '../shared/api.js';
import type { EngineInfo } from '../engine/machines/docker-engine.js';
import type { LabSession } from '../engine/sessions/lab-session.js';
import { recordAccess, type MachineRunner } from '../engine/lenses/machine-access.js';
import { processLens } from '../engine/lenses/process-lens.js';
import { kernelLens } from '../engine/lenses/kernel-lens.js';
import { readFootprints, sampleFootprint } from '../engine/lenses/footprint.js';
import { imageDiff, imageLens, sessionImageRefs } from '../engine/lenses/image-lens.js';
import { volumeLens } from '../engine/lenses/volume-lens.js';

const SCRIPT_TIMEOUT_MS = 5000;

export class LensHost {
  constructor(
    private readonly connect: () => Promise<{ docker: Docker; info: EngineInfo }>,
    /** A session this host runs, by id. */
    private readonly own: (id: string) => LabSession | undefined,
  ) {}

  async processes({ session }: Params<'lensProcesses'>): Promise<Result<'lensProcesses'>> {
    const { docker } = await this.connect();
    return processLens(docker, { session, run: this.runner(docker) });
  }

  async kernels({ session }: Params<'lensKernels'>): Promise<Result<'lensKernels'>> {
    const { docker } = await this.connect();
    return kernelLens(docker, { session, run: this.runner(docker) });
  }

  async footprint({ session }: Params<'lensFootprint'>): Promise<Result<'lensFootprint'>> {
    const { docker } = await this.connect();
    const runs = await readFootprints(session);
    for (const run of runs) {
      const sample = await sampleFootprint(docker, run.session);
      if (sample) run.samples.push(sample);
    }
    return { runs };
  }

  async images({ session }: Params<'lensImages'>): Promise<Result<'lensImages'>> {
    const { docker } = await this.connect();
    return imageLens(docker, this.session(session).labImageRefs(), session);
  }

  async imageDiff({ session, from, to }: Params<'lensImageDiff'>): Promise<Result<'lensImageDiff'>> {
    const { docker } = await this.connect();
    const refs = await sessionImageRefs(docker, this.session(session).labImageRefs(), session);
    for (const ref of [from, to]) {
      if (!refs.includes(ref)) throw new ApiError('not-found', `session ${session} has no image "${ref}"; it has: ${refs.join(', ')}`);
    }
    return imageDiff(docker, from, to);
  }

  async volume({ session, volume }: Params<'lensVolume'>): Promise<Result<'lensVolume'>> {
    const { docker } = await this.connect();
    const s = this.session(session);
    if (!(s.lab.volumes ?? []).some((v) => v.name === volume)) throw new ApiError('not-found', `lab "${s.lab.id}" has no volume "${volume}"`);
    // Backups are the archives in the lab's other volumes, read on the engine like the volume itself.
    const others = (s.lab.volumes ?? []).map((v) => v.name).filter((name) => name !== volume);
    return volumeLens(docker, s.lab.id, session, volume, others);
  }

  private session(id: string): LabSession {
    const s = this.own(id);
    if (!s) throw new ApiError('not-found', `no session "${id}" on this host`);
    return s;
  }

  private runner(docker: Docker): MachineRunner {
    const outside = recordAccess(docker);
    return async (session, machine, kind, script) => {
      const s = this.own(session);
      if (!s) return outside(session, machine, kind, script);
      const r = await s.runScript(machine, script, SCRIPT_TIMEOUT_MS).catch(() => undefined);
      return r && r.exitCode === 0 ? r.output : undefined;
    };
  }
}
