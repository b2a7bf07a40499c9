// Removes everything a session left in the engine: resources labelled with its id, resources
// named under its prefix (what the learner made by hand, images they built and tagged
// `lv-<session>-…` included), and containers still using its volumes or network (a throwaway
// container that was never removed would otherwise pin them).
import type Docker from 'dockerode';
import { LABEL } from '../labels.js';
import { sessionPrefix } from './names.js';

export interface SessionResources { containers: string[]; volumes: string[]; networks: string[]; images: string[] }

const byPrefix = (prefix: string) => (name: string) => name === prefix || name.startsWith(`${prefix}-`);

export async function findSessionResources(docker: Docker, session: string): Promise<SessionResources> {
  const prefix = sessionPrefix(session);
  const label = { label: [`${LABEL.session}=${session}`] };
  const [labelled, named, vols, namedVols, nets, labelledNets, allImages] = await Promise.all([
    docker.listContainers({ all: true, filters: label }),
    docker.listContainers({ all: true, filters: { name: [prefix] } }),
    docker.listVolumes({ filters: label }),
    docker.listVolumes({ filters: { name: [prefix] } }),
    docker.listNetworks({ filters: { name: [prefix] } }),
    docker.listNetworks({ filters: label }),
    docker.listImages(),
  ]);
  // Tags, not ids: an image the learner also tagged otherwise keeps that tag and stays.
  const images = allImages.flatMap((i) => i.RepoTags ?? []).filter((tag) => byPrefix(prefix)(tag.slice(0, tag.lastIndexOf(':'))));
  const volumes = new Set([
    ...(vols.Volumes ?? []).map((v) => v.Name),
    ...(namedVols.Volumes ?? []).map((v) => v.Name).filter(byPrefix(prefix)),
  ]);
  const networks = [...new Set([
    ...labelledNets.map((n) => n.Name),
    ...nets.map((n) => n.Name).filter(byPrefix(prefix)),
  ])];
  const users = await Promise.all([
    ...[...volumes].map((v) => docker.listContainers({ all: true, filters: { volume: [v] } })),
    ...networks.map((n) => docker.listContainers({ all: true, filters: { network: [n] } })),
  ]);
  const containers = new Map<string, string>();
  for (const c of [...labelled, ...users.flat()]) containers.set(c.Id, c.Names[0]?.replace(/^\//, '') ?? c.Id);
  for (const c of named) {
    const name = c.Names[0]?.replace(/^\//, '') ?? '';
    if (byPrefix(prefix)(name)) containers.set(c.Id, name);
  }
  return { containers: [...containers.values()], volumes: [...volumes], networks, images };
}

const gone = (err: unknown) => (err as { statusCode?: number }).statusCode === 404;

/** Removes the resources, containers first (they pin volumes, networks and images). */
export async function removeSessionResources(docker: Docker, res: SessionResources): Promise<string[]> {
  const errors: string[] = [];
  const attempt = async (what: string, fn: () => Promise<unknown>) => {
    try { await fn(); } catch (err) { if (!gone(err)) errors.push(`${what}: ${(err as Error).message}`); }
  };
  await Promise.all(res.containers.map((c) => attempt(`container ${c}`, () => docker.getContainer(c).remove({ force: true, v: false }))));
  await Promise.all(res.volumes.map((v) => attempt(`volume ${v}`, () => docker.getVolume(v).remove())));
  await Promise.all(res.networks.map((n) => attempt(`network ${n}`, () => docker.getNetwork(n).remove())));
  for (const tag of res.images) await attempt(`image ${tag}`, () => docker.getImage(tag).remove());
  return errors;
}
