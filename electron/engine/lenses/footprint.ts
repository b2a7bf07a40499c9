// The footprint lens: what each machine cost to start (its phases) and to keep running (memory
// over time). A run's footprint is a small file in the data dir that outlives the session, so
// two runs — or a container and a VM of one run — can be compared later.
import type Docker from 'dockerode';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { dataDir } from '../paths.js';
import { LABEL } from '../labels.js';
import { sessionPrefix } from '../sessions/names.js';
import type { FootprintLens } from '../../shared/api.js';

// A run is the API's FootprintLens run (shared/api-types.ts): the file holds it as the hosts return it.
type FootprintRun = FootprintLens['runs'][number];
/** Memory at one moment, per machine: a container's cgroup usage, a VM's QEMU resident set. */
type MemorySample = FootprintRun['samples'][number];
/** When a phase of a machine's start ended: container created/started/usable, or the VM's boot timeline. */
export type MachinePhase = FootprintRun['machines'][number]['phases'][number];

/** Samples kept per run (one every few seconds is an hour of history). */
const MAX_SAMPLES = 720;
/** Runs kept: the oldest go first. */
export const MAX_RUNS = 30;

const dir = () => join(dataDir(), 'footprints');
const fileFor = (session: string) => join(dir(), `${session}.json`);

export async function writeFootprint(run: FootprintRun): Promise<void> {
  await mkdir(dir(), { recursive: true });
  await writeFile(fileFor(run.session), JSON.stringify(run));
  const runs = await readFootprints();
  for (const old of runs.slice(0, Math.max(0, runs.length - MAX_RUNS))) await rm(fileFor(old.session), { force: true });
}

/** Every kept run, oldest first, or one session's. */
export async function readFootprints(session?: string): Promise<FootprintRun[]> {
  const files = session ? [`${session}.json`] : (await readdir(dir()).catch(() => [] as string[])).filter((f) => f.endsWith('.json'));
  const runs = await Promise.all(files.map((f) => readFile(join(dir(), f), 'utf8').then((t) => JSON.parse(t) as FootprintRun, () => undefined)));
  return runs.filter((r): r is FootprintRun => r !== undefined).sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/** cgroup memory as `docker stats` shows it: usage without the inactive page cache. */
export function containerMemoryKb(stats: { memory_stats?: { usage?: number; stats?: Record<string, number> } }): number {
  const m = stats.memory_stats;
  if (!m?.usage) return 0;
  const cache = m.stats?.inactive_file ?? m.stats?.total_inactive_file ?? 0;
  return Math.round((m.usage - cache) / 1024);
}

/** Memory of a live session's machines now, added to its run's history. */
export async function sampleFootprint(docker: Docker, session: string): Promise<MemorySample | undefined> {
  const [run] = await readFootprints(session);
  if (!run) return undefined;
  const memKb: Record<string, number> = {};
  // Containers and VM runners alike: a runner's memory is its QEMU's, the whole VM as the host pays for it.
  const containers = await docker.listContainers({ filters: { label: [`${LABEL.session}=${session}`, `${LABEL.role}=machine`] } });
  await Promise.all(containers.map(async (c) => {
    const name = c.Names[0]?.replace(`/${sessionPrefix(session)}-`, '') ?? c.Id;
    // one-shot: the engine answers at once instead of waiting for a second sample.
    const stats = await docker.getContainer(c.Id).stats({ stream: false, 'one-shot': true } as { stream: false }).catch(() => undefined);
    if (stats) memKb[name] = containerMemoryKb(stats as Parameters<typeof containerMemoryKb>[0]);
  }));
  if (!Object.keys(memKb).length) return undefined; // the session has ended: its history is complete
  const sample = { at: new Date().toISOString(), memKb };
  run.samples = [...run.samples, sample].slice(-MAX_SAMPLES);
  await writeFile(fileFor(session), JSON.stringify(run));
  return sample;
}
