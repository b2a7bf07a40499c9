// Whose is what: every resource of a session carries that session's label and its name, and
// nothing of one session names or labels another. A snapshot lets a test see that stopping one
// session (or a gc) left the others exactly as they were.
import type Docker from 'dockerode';
import { LABEL } from '../../electron/engine/labels.js';

/** Problems with the ownership of these sessions' containers, volumes and networks. */
export async function crossedOwnership(docker: Docker, sessions: string[]): Promise<string[]> {
  const [c, v, n] = await Promise.all([docker.listContainers({ all: true }), docker.listVolumes(), docker.listNetworks()]);
  const all = [
    ...c.map((x) => ({ kind: 'container', name: (x.Names[0] ?? '').replace(/^\//, ''), labels: x.Labels })),
    ...(v.Volumes ?? []).map((x) => ({ kind: 'volume', name: x.Name, labels: x.Labels ?? {} })),
    ...n.map((x) => ({ kind: 'network', name: x.Name, labels: x.Labels ?? {} })),
  ];
  const problems: string[] = [];
  for (const s of sessions) {
    const labelled = all.filter((r) => r.labels[LABEL.session] === s);
    if (!labelled.some((r) => r.kind === 'container')) problems.push(`session ${s} has no labelled container`);
    for (const r of labelled) if (!r.name.startsWith(`lv-${s}`)) problems.push(`${r.kind} ${r.name} is labelled ${s} but not named after it`);
    for (const r of all.filter((x) => x.name.startsWith(`lv-${s}`))) {
      if (r.labels[LABEL.session] !== s) problems.push(`${r.kind} ${r.name} is named after ${s} but labelled ${r.labels[LABEL.session] ?? 'with no session'}`);
    }
  }
  return problems;
}

/** Each session's containers: id and state, to compare before and after. */
export async function snapshot(docker: Docker, sessions: string[]): Promise<Map<string, string[]>> {
  const c = await docker.listContainers({ all: true, filters: { label: [LABEL.session] } });
  return new Map(sessions.map((s) => [s, c.filter((x) => x.Labels[LABEL.session] === s).map((x) => `${x.Id.slice(0, 12)} ${x.State}`).sort()]));
}

/** Sessions whose containers changed between two snapshots. */
export function changed(before: Map<string, string[]>, after: Map<string, string[]>, sessions: string[]): string[] {
  return sessions.filter((s) => JSON.stringify(before.get(s)) !== JSON.stringify(after.get(s)))
    .map((s) => `session ${s}: ${JSON.stringify(before.get(s))} became ${JSON.stringify(after.get(s))}`);
}
