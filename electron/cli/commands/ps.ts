// `labvisor ps [--json]`: the live lab sessions — from the records on disk and the engine's
// labels, as gc finds them — with their age, machines and whether their owner still runs.
import { parseArgs } from 'node:util';
import { LABEL } from '../../engine/labels.js';
import { connectEngine } from '../../engine/machines/docker-engine.js';
import { ownerState, parseOwner, type OwnerState } from '../../engine/owner.js';
import { keptOnEngine } from '../../engine/sessions/kept-marker.js';
import { readRecords } from '../../engine/sessions/registry.js';
import { out, printJson, say, UsageError } from '../output.js';

/** One session of `ps --json` (docs/cli.md). */
export interface PsSession {
  id: string; lab: string; createdAt: string | null; ageS: number | null;
  /** Running machine containers (VM runners included); null when the engine could not be asked. */
  machines: string[] | null;
  owner: OwnerState; kept: boolean;
}

/** `created`: the earliest machine's start (ms), the age of a session known only from the engine. */
type Running = Map<string, { lab: string; owner: string; names: string[]; created: number }>;

/** Running machine containers by session and the sessions marked kept, from the engine; undefined when it cannot be asked. */
async function engineView(): Promise<{ machines: Running; kept: Set<string> } | undefined> {
  try {
    const engine = await connectEngine();
    const [containers, kept] = await Promise.all([
      engine.docker.listContainers({ filters: { label: [LABEL.session, `${LABEL.role}=machine`] } }),
      keptOnEngine(engine.docker),
    ]).finally(() => engine.close());
    const machines: Running = new Map();
    for (const c of containers) {
      const id = c.Labels[LABEL.session]!;
      const entry = machines.get(id) ?? { lab: c.Labels[LABEL.lab] ?? '', owner: c.Labels[LABEL.owner] ?? '', names: [], created: Infinity };
      entry.created = Math.min(entry.created, c.Created * 1000);
      entry.names.push((c.Names[0] ?? c.Id).replace(/^\//, ''));
      machines.set(id, entry);
    }
    return { machines, kept };
  } catch (err) {
    say(`labvisor: the engine could not be asked for machines (${(err as Error).message.split('\n')[0]}); showing the session records only`);
    return undefined;
  }
}

export async function listSessions(now = Date.now()): Promise<PsSession[]> {
  const [records, engine] = await Promise.all([readRecords(), engineView()]);
  const sessions = new Map<string, PsSession>();
  for (const r of records) {
    const created = Date.parse(r.createdAt);
    sessions.set(r.id, {
      id: r.id, lab: r.lab, createdAt: r.createdAt, ageS: Number.isNaN(created) ? null : Math.round((now - created) / 1000),
      machines: engine ? engine.machines.get(r.id)?.names.sort() ?? [] : null, owner: ownerState(parseOwner(r.owner)),
      kept: !!r.kept || !!engine?.kept.has(r.id),
    });
  }
  // Running machines of a session without a record (its data folder is another user's or was removed).
  for (const [id, m] of engine?.machines ?? []) {
    if (sessions.has(id)) continue;
    sessions.set(id, {
      id, lab: m.lab, createdAt: new Date(m.created).toISOString(), ageS: Math.round((now - m.created) / 1000),
      machines: m.names.sort(), owner: ownerState(parseOwner(m.owner)), kept: engine!.kept.has(id),
    });
  }
  return [...sessions.values()].sort((a, b) => (a.createdAt ?? '').localeCompare(b.createdAt ?? '') || a.id.localeCompare(b.id));
}

export function age(s: number | null): string {
  if (s === null) return '?';
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 86400) return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
  return `${Math.floor(s / 86400)}d`;
}

export async function ps(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length) throw new UsageError(`unexpected ${positionals.join(' ')}\nusage: labvisor ps [--json]`);
  const sessions = await listSessions();
  if (values.json) {
    printJson({ sessions });
    return 0;
  }
  const labWidth = Math.max(3, ...sessions.map((s) => s.lab.length));
  out(`${'SESSION'.padEnd(8)}  ${'LAB'.padEnd(labWidth)}  ${'AGE'.padStart(6)}  ${'OWNER'.padEnd(10)}  MACHINES`);
  for (const s of sessions) {
    const owner = s.kept ? `${s.owner}+kept` : s.owner;
    out(`${s.id.padEnd(8)}  ${s.lab.padEnd(labWidth)}  ${age(s.ageS).padStart(6)}  ${owner.padEnd(10)}  ${s.machines === null ? '?' : s.machines.join(', ') || '-'}`);
  }
  return 0;
}
