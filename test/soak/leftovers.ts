// What a soak's sessions may have left behind: their Docker resources (by label, and by the
// `lv-<session>` names a learner's own containers get), their QEMU processes on the host, and
// files in the server's data dir and TMPDIR.
import type Docker from 'dockerode';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { LABEL } from '../../electron/engine/labels.js';

export interface Leftovers { containers: string[]; volumes: string[]; networks: string[]; images: string[]; qemu: number[]; files: string[] }

export const leftoverCount = (l: Leftovers): number =>
  l.containers.length + l.volumes.length + l.networks.length + l.images.length + l.qemu.length + l.files.length;

/**
 * Containers, volumes, networks and images of these sessions: labelled with one of them, or named
 * after one (what a learner builds or runs by hand in a lab, as first-steps has them do).
 */
export async function sessionResources(docker: Docker, sessions: string[]): Promise<Pick<Leftovers, 'containers' | 'volumes' | 'networks' | 'images'>> {
  const mine = (labels: Record<string, string> | null | undefined, name: string) =>
    sessions.some((s) => labels?.[LABEL.session] === s || name.replace(/^\//, '').startsWith(`lv-${s}`));
  const [c, v, n, i] = await Promise.all([docker.listContainers({ all: true }), docker.listVolumes(), docker.listNetworks(), docker.listImages()]);
  return {
    images: i.flatMap((x) => (x.RepoTags ?? []).filter((tag) => mine(x.Labels, tag))),
    containers: c.filter((x) => mine(x.Labels, x.Names[0] ?? '')).map((x) => x.Names[0]!),
    volumes: (v.Volumes ?? []).filter((x) => mine(x.Labels, x.Name)).map((x) => x.Name),
    networks: n.filter((x) => mine(x.Labels, x.Name)).map((x) => x.Name),
  };
}

/** The host PIDs of the QEMU processes in a session's runner containers (`docker top`). */
export async function qemuPids(docker: Docker, session: string): Promise<number[]> {
  const runners = await docker.listContainers({ filters: { label: [`${LABEL.session}=${session}`] } });
  const pids: number[] = [];
  for (const r of runners) {
    const top = await docker.getContainer(r.Id).top({ ps_args: '-eo pid,args' })
      .catch(() => undefined) as { Titles: string[]; Processes: string[][] } | undefined;
    const pid = top?.Titles.indexOf('PID') ?? -1;
    const cmd = top?.Titles.findIndex((t) => t === 'COMMAND' || t === 'CMD') ?? -1;
    for (const p of top?.Processes ?? []) if (/qemu-system/.test(p[cmd] ?? '')) pids.push(Number(p[pid]));
  }
  return pids;
}

/** Those of `pids` that are still QEMU processes on this host. */
export function qemuAlive(pids: number[]): number[] {
  return pids.filter((pid) => {
    try {
      return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('qemu-system');
    } catch {
      return false;
    }
  });
}

/** Every file under dir, as paths relative to it. */
export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => !e.isDirectory())
    .map((e) => relative(dir, join(e.parentPath, e.name)));
}

/** Half-written files by the engine's naming (`x.tmp`, `.x.1a2b3c4d.cpio`, `x.tmp-AbC123/`). */
export const looksTemporary = (path: string): boolean => /(\.tmp\b|\.tmp-|\/\.[^/]+\.[0-9a-f]{8}(\.|$)|^\.[^/]+\.[0-9a-f]{8}(\.|$))/.test(path);
