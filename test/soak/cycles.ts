// Item 2 of issue 17: start → solve → stop, over and over, through ONE long-lived `labvisor
// serve`: a VM lab, then a container lab. Afterwards nothing of those sessions may be left (Docker
// resources, QEMU processes, files), and the server's memory and descriptors must stay flat.
import type Docker from 'dockerode';
import { connectEngine } from '../../electron/engine/machines/docker-engine.js';
import type { SessionInfo } from '../../electron/shared/api.js';
import { Client } from '../integration/ws-client.js';
import { labSteps, walkLab } from './lab-walk.js';
import { filesUnder, looksTemporary, qemuAlive, qemuPids, sessionResources, type Leftovers } from './leftovers.js';
import { sampleProcess, spread, type ProcessSample, type Spread } from './process-figures.js';
import { privateDirs, startServer, stopServing } from './served.js';

export interface CyclesOptions {
  containerLab: string; vmLab: string; containerCycles: number; vmCycles: number;
  /** No cycle starts after this time (ms since the epoch): a soak on a busy machine ends when told; the figures say how many ran. */
  until?: number;
  log?: (line: string) => void;
}

export interface SeriesFigures { lab: string; cycles: number; ms: number; rssKiB: Spread; fds: Spread; sockets: Spread; samples: ProcessSample[] }
export interface CyclesReport { container: SeriesFigures; vm: SeriesFigures; leftovers: Leftovers; qemuSeen: number; footprints: number }

export async function runCycles(opts: CyclesOptions): Promise<CyclesReport> {
  const log = opts.log ?? (() => {});
  const { docker } = await connectEngine();
  const dirs = privateDirs('cycles');
  const server = await startServer(dirs);
  const sessions: string[] = [];
  const qemu: number[] = [];
  const cached = new Set<string>();
  try {
    const client = await Client.open(server);
    const series = async (lab: string, cycles: number, isVm: boolean): Promise<SeriesFigures> => {
      const steps = await labSteps(client, lab);
      const samples: ProcessSample[] = [];
      const began = Date.now();
      for (let i = 1; i <= cycles && !(i > 1 && Date.now() > (opts.until ?? Infinity)); i++) {
        const walk = await walkLab(client, lab, steps, async (s) => {
          sessions.push(s.id);
          if (isVm) qemu.push(...await runningQemu(docker, s));
        });
        // The first cycle of a lab fills the caches (images, guest initramfs, kernel): those files stay.
        if (i === 1) filesUnder(dirs.dataDir).forEach((f) => cached.add(f));
        const sample = sampleProcess(server.pid);
        samples.push(sample);
        log(`${lab} ${i}/${cycles} (${walk.session}): ${walk.ms} ms, RSS ${Math.round(sample.rssKiB / 1024)} MiB, ${sample.fds} fds (${sample.sockets} sockets)`);
      }
      return {
        lab, cycles: samples.length, ms: Date.now() - began, samples,
        rssKiB: spread(samples.map((s) => s.rssKiB)), fds: spread(samples.map((s) => s.fds)), sockets: spread(samples.map((s) => s.sockets)),
      };
    };
    // VMs first: they are the slower and rarer figures, so a long run cut short still has both.
    const vm = await series(opts.vmLab, opts.vmCycles, true);
    const container = await series(opts.containerLab, opts.containerCycles, false);
    client.ws.close();
    // A footprint (the lens's record of a run) outlives its session on purpose, up to MAX_RUNS of them.
    const history = (f: string) => f.startsWith('footprints/') && !looksTemporary(f);
    const files = [
      ...filesUnder(dirs.dataDir).filter((f) => (!cached.has(f) && !history(f)) || looksTemporary(f)).map((f) => `data/${f}`),
      ...filesUnder(dirs.tmpDir).map((f) => `tmp/${f}`),
    ];
    const leftovers = { ...await sessionResources(docker, sessions), qemu: qemuAlive(qemu), files };
    return { container, vm, leftovers, qemuSeen: qemu.length, footprints: filesUnder(dirs.dataDir).filter(history).length };
  } finally {
    await stopServing(server);
    dirs.remove();
  }
}

/** The QEMU processes of a running VM session; a VM lab whose QEMU cannot be found proves nothing. */
async function runningQemu(docker: Docker, session: SessionInfo): Promise<number[]> {
  const pids = await qemuPids(docker, session.id);
  if (!pids.length) throw new Error(`session ${session.id} of ${session.lab} runs no QEMU process that docker top shows`);
  return pids;
}
