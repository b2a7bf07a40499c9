// Garbage collection: removes the resources of sessions whose owner process is gone (a runner
// killed with SIGKILL, a crashed app). Live sessions of other instances are never touched;
// sessions owned on another host (a shared remote engine) only with --all. Also what a killed
// process left outside sessions: build helpers, temp files of the caches, half-done bundle loads.
import type Docker from 'dockerode';
import { undoInterruptedLoads, type Replayed } from '../images/bundle-journal.js';
import { LABEL } from '../labels.js';
import { ownerState, parseOwner, type OwnerState } from '../owner.js';
import { findSessionResources, removeSessionResources, type SessionResources } from './cleanup.js';
import { isKeptMarker } from './kept-marker.js';
import { readRecords, removeRecord } from './registry.js';
import { findStaleTemps, findTornSessionFolders, removeStaleTemps } from './stale-files.js';

export interface GcSession extends SessionResources { id: string; lab: string; owner: string; state: OwnerState }
export interface GcReport {
  sessions: GcSession[];
  helpers: string[];
  images: string[];
  /** Temp files and folders of dead writers (data dir, kernel unpacks), session folders whose record was never written. */
  temps: string[];
  /** Bundle loads a dead process left half-done, undone (dry run: none). */
  bundleLoads: Replayed[];
  errors: string[];
}

export interface GcOptions {
  dryRun?: boolean;
  /** Remove every session's resources, live ones too. */
  all?: boolean;
  /** Also remove lab images no container uses (they are a cache, kept by default). */
  images?: boolean;
}

/** Every session known from labels in the engine or records on disk, with its owner and whether it was left running on purpose. */
async function knownSessions(docker: Docker): Promise<Map<string, { lab: string; owner: string; kept: boolean }>> {
  const filters = { label: [LABEL.session] };
  const [containers, volumes, networks, records] = await Promise.all([
    docker.listContainers({ all: true, filters }),
    docker.listVolumes({ filters }),
    docker.listNetworks({ filters }),
    readRecords(),
  ]);
  const sessions = new Map<string, { lab: string; owner: string; kept: boolean }>();
  const add = (labels: Record<string, string> | undefined | null) => {
    const id = labels?.[LABEL.session];
    if (id && !sessions.has(id)) sessions.set(id, { lab: labels[LABEL.lab] ?? '', owner: labels[LABEL.owner] ?? '', kept: false });
  };
  for (const r of records) sessions.set(r.id, { lab: r.lab, owner: r.owner, kept: !!r.kept });
  containers.forEach((c) => add(c.Labels));
  (volumes.Volumes ?? []).forEach((v) => add(v.Labels));
  networks.forEach((n) => add(n.Labels));
  // The engine's marker counts whichever data dir made the session (kept-marker.ts).
  for (const v of volumes.Volumes ?? []) {
    const id = v.Labels?.[LABEL.session];
    if (id && isKeptMarker(v.Labels)) sessions.get(id)!.kept = true;
  }
  return sessions;
}

async function unusedLabImages(docker: Docker): Promise<string[]> {
  const [images, containers] = await Promise.all([
    docker.listImages({ filters: { label: [`${LABEL.role}=image`] } }),
    docker.listContainers({ all: true }),
  ]);
  const used = new Set(containers.map((c) => c.ImageID));
  return images.filter((i) => !used.has(i.Id)).map((i) => i.RepoTags?.[0] ?? i.Id);
}

export async function gc(docker: Docker, opts: GcOptions = {}): Promise<GcReport> {
  // VMs are runner containers of their session: they go with its other resources.
  const report: GcReport = { sessions: [], helpers: [], images: [], temps: [], bundleLoads: [], errors: [] };
  const records = new Set((await readRecords()).map((r) => r.id));
  for (const [id, { lab, owner, kept }] of await knownSessions(docker)) {
    const state = ownerState(parseOwner(owner));
    if ((state !== 'dead' || kept) && !opts.all) continue;
    const resources = await findSessionResources(docker, id);
    report.sessions.push({ id, lab, owner, state, ...resources });
    if (opts.dryRun) continue;
    report.errors.push(...await removeSessionResources(docker, resources));
    if (records.has(id)) await removeRecord(id);
  }
  // Helpers outside a session (doctor, kernel and guest builds) of owners that died mid-way.
  const helpers = await docker.listContainers({ all: true, filters: { label: [`${LABEL.role}=helper`] } });
  for (const h of helpers) {
    if (h.Labels[LABEL.session] || (ownerState(parseOwner(h.Labels[LABEL.owner])) !== 'dead' && !opts.all)) continue;
    report.helpers.push(h.Names[0]?.replace(/^\//, '') ?? h.Id);
    if (!opts.dryRun) await docker.getContainer(h.Id).remove({ force: true }).catch((err: Error) => report.errors.push(`helper ${h.Id}: ${err.message}`));
  }
  report.temps = [...await findStaleTemps(), ...await findTornSessionFolders(new Set((await readRecords()).map((r) => r.id)))];
  if (!opts.dryRun) {
    report.errors.push(...await removeStaleTemps(report.temps));
    const loads = await undoInterruptedLoads(docker);
    report.bundleLoads = loads.undone;
    report.errors.push(...loads.errors);
  }
  if (opts.images) {
    report.images = await unusedLabImages(docker);
    if (!opts.dryRun) {
      for (const img of report.images) {
        await docker.getImage(img).remove().catch((err: Error) => report.errors.push(`image ${img}: ${err.message}`));
      }
    }
  }
  return report;
}

/** What a start's collection removed, one line each, for a host's log or a command's stderr. */
export function collectedLines(report: GcReport): string[] {
  return [
    ...(report.sessions.length ? [`removed what ${report.sessions.length} ended session(s) left behind: ${report.sessions.map((s) => s.id).join(', ')}`] : []),
    ...(report.helpers.length ? [`removed ${report.helpers.length} helper container(s) a killed process left: ${report.helpers.join(', ')}`] : []),
    ...(report.temps.length ? [`removed ${report.temps.length} temp file(s) a killed process left: ${report.temps.join(', ')}`] : []),
    ...report.bundleLoads.map((b) => `undid the interrupted load of ${b.bundle}: ${b.tagsRemoved} image tag(s) it had added removed`),
    ...report.errors.map((e) => `gc: ${e}`),
  ];
}
