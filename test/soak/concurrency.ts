// Item 3 of issue 17: many sessions at once. Eight labs started at once from one server; two
// servers started at once on one engine (one user's data dir, two app windows), each starting
// labs — one of them a lab whose image neither has built yet, so both build it at the same time.
// All must start, nothing of one session may name or carry another's label, stopping one leaves
// the rest exactly as they were, and `labvisor gc` run meanwhile spares every live session.
import type Docker from 'dockerode';
import { setTimeout as sleep } from 'node:timers/promises';
import { DISPLACED_MIN_AGE_S } from '../../electron/engine/images/lab-images.js';
import { connectEngine } from '../../electron/engine/machines/docker-engine.js';
import type { TrustState } from '../../electron/shared/api.js';
import { cli } from '../integration/support.js';
import { Client } from '../integration/ws-client.js';
import { startRunning, stopSession } from './lab-walk.js';
import { leftoverCount, sessionResources } from './leftovers.js';
import { changed, crossedOwnership, snapshot } from './ownership.js';
import { removeRaceImages, writeRaceLab } from './race-lab.js';
import { privateDirs, startServer, stopServing, type SoakServer } from './served.js';

export interface ConcurrencyOptions { oneServerLabs: string[]; perServerLabs: string[]; log?: (line: string) => void }
export interface ConcurrencyFigures { sessions: number; startMs: number; gcRuns: number; racedBuilds: number; raceImages: number; problems: string[] }
export interface ConcurrencyReport { oneServer: ConcurrencyFigures; twoServers: ConcurrencyFigures }

export async function runConcurrency(opts: ConcurrencyOptions): Promise<ConcurrencyReport> {
  const { docker } = await connectEngine();
  const log = opts.log ?? (() => {});
  return { oneServer: await manyFromOneServer(docker, opts.oneServerLabs, log), twoServers: await twoServersAtOnce(docker, opts.perServerLabs, log) };
}

interface Started { client: Client; id: string; lab: string }

/** Starts these labs at once; a failed start is a problem (the started ones are returned to stop). */
async function startAll(starts: Array<[Client, string]>, problems: string[]): Promise<Started[]> {
  const settled = await Promise.allSettled(starts.map(([client, lab]) => startRunning(client, lab)));
  settled.forEach((r, i) => { if (r.status === 'rejected') problems.push(`${starts[i]![1]} did not start: ${(r.reason as Error).message}`); });
  return settled.flatMap((r, i) => (r.status === 'fulfilled' ? [{ client: starts[i]![0], id: r.value.id, lab: r.value.lab }] : []));
}

/** Stops the sessions one by one; after each, the others must be as they were and it must be gone. */
async function stopOneByOne(docker: Docker, sessions: Started[], problems: string[]): Promise<void> {
  for (const [i, s] of sessions.entries()) {
    const others = sessions.slice(i + 1).map((o) => o.id);
    const before = await snapshot(docker, others);
    await stopSession(s.client, s.id);
    problems.push(...changed(before, await snapshot(docker, others), others).map((p) => `after stopping ${s.id}: ${p}`));
  }
}

/** Whatever is left of these sessions after every server stopped. */
async function leftoverProblems(docker: Docker, sessions: string[]): Promise<string[]> {
  const left = await sessionResources(docker, sessions);
  return leftoverCount({ ...left, qemu: [], files: [] }) ? [`left behind: ${JSON.stringify(left)}`] : [];
}

async function manyFromOneServer(docker: Docker, labs: string[], log: (line: string) => void): Promise<ConcurrencyFigures> {
  const dirs = privateDirs('eight');
  const server = await startServer(dirs);
  const problems: string[] = [];
  let sessions: Started[] = [];
  const began = Date.now();
  try {
    const client = await Client.open(server);
    sessions = await startAll(labs.map((lab) => [client, lab]), problems);
    const startMs = Date.now() - began;
    log(`one server: ${sessions.length} of ${labs.length} sessions running after ${startMs} ms`);
    problems.push(...await crossedOwnership(docker, sessions.map((s) => s.id)));
    await stopOneByOne(docker, sessions, problems);
    client.ws.close();
    return { sessions: labs.length, startMs, gcRuns: 0, racedBuilds: 0, raceImages: 0, problems };
  } finally {
    await stopServing(server); // stops any session a failure left running
    problems.push(...await leftoverProblems(docker, sessions.map((s) => s.id)));
    dirs.remove();
  }
}

/** How many of these sessions built their lab's image themselves (not "up to date": another had it). */
function builtBy(sessions: Started[]): number {
  return sessions.filter((s) => s.client.events.some((e) => e.event === 'progress' && e.session === s.id &&
    e.progress.task.startsWith('image ') && e.progress.state === 'done' && e.progress.phase !== 'up to date')).length;
}

/** Opens the lab folder on this server and trusts it if it asks (a plain offline build should not). */
async function openFolder(client: Client, dir: string): Promise<void> {
  const { lab, trust } = await client.ok<{ lab: { id: string }; trust: TrustState }>('openLabFolder', { path: dir });
  if (!trust.trusted && trust.reasons.length) await client.ok('trustLab', { lab: lab.id, hash: trust.hash });
}

async function twoServersAtOnce(docker: Docker, labs: string[], log: (line: string) => void): Promise<ConcurrencyFigures> {
  const dirs = privateDirs('two');
  const race = writeRaceLab(dirs.base);
  const problems: string[] = [];
  const all: string[] = [];
  let servers: SoakServer[] = [];
  let gcRuns = 0;
  const began = Date.now();
  try {
    servers = await Promise.all([startServer(dirs), startServer(dirs)]);
    const clients = await Promise.all(servers.map((s) => Client.open(s)));
    await Promise.all(clients.map((c) => openFolder(c, race.dir)));
    const starts = clients.flatMap((c) => [...labs, race.id].map((lab): [Client, string] => [c, lab]));
    const started = await startAll(starts, problems);
    started.forEach((s) => all.push(s.id));
    const startMs = Date.now() - began;
    log(`two servers: ${started.length} of ${starts.length} sessions running after ${startMs} ms`);
    problems.push(...await crossedOwnership(docker, all));

    // gc as the servers' user (their data dir, their session records) and as another side (none).
    const other = privateDirs('gc');
    try {
      for (const dataDir of [dirs.dataDir, other.dataDir]) {
        const before = await snapshot(docker, all);
        const r = await cli(['gc', '--json'], { LABVISOR_DATA_DIR: dataDir });
        gcRuns++;
        const removed = (JSON.parse(r.stdout || '{"sessions":[]}') as { sessions: Array<{ id: string }> }).sessions.map((s) => s.id);
        log(`gc (${dataDir === dirs.dataDir ? 'the servers\' data dir' : 'another data dir'}): exit ${r.code}, collected ${removed.length} dead session(s) of others`);
        for (const id of removed.filter((x) => all.includes(x))) problems.push(`gc removed live session ${id}`);
        problems.push(...changed(before, await snapshot(docker, all), all).map((p) => `after gc: ${p}`));
      }
    } finally {
      other.remove();
    }
    // A stop removes the copy a raced build left untagged, once it is older than a build's
    // commit-to-tag moment: stopping sooner would leave it to the next stop of that lab.
    await sleep(Math.max(0, (DISPLACED_MIN_AGE_S + 2) * 1000 - (Date.now() - began - startMs)));
    await stopOneByOne(docker, started, problems);
    clients.forEach((c) => c.ws.close());
    const built = await docker.listImages({ filters: { label: [`io.labvisor.lab=${race.id}`] } });
    log(`the raced build left ${built.length} image(s): ${built.map((i) => `${i.Id.slice(7, 19)} ${(i.RepoTags ?? []).join(',') || 'untagged'}`).join('; ')}`);
    const raceImages = built.length;
    return { sessions: starts.length, startMs, gcRuns, racedBuilds: builtBy(started.filter((s) => s.lab === race.id)), raceImages, problems };
  } finally {
    await Promise.all(servers.map((s) => stopServing(s)));
    problems.push(...await leftoverProblems(docker, all));
    await removeRaceImages(docker, race.id);
    dirs.remove();
  }
}
