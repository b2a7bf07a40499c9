// For the kill -9 tests (reliability-kill.test.ts, test/soak/kill-anywhere.soak.ts): a served
// app killed hard at a chosen moment, the next start's cleanup waited for and timed, and a look
// at what a killed process can leave (session resources, build containers, temps, journals).
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventMessage } from '../../electron/shared/api.js';
import { labelled } from './support.js';
import { Client, serve, type Served } from './ws-client.js';

export const dataDir = () => process.env.LABVISOR_DATA_DIR!;

/** Resolves with what `find` returns once it returns something, polling; rejects after timeoutMs. */
export async function until<T>(what: string, find: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export async function served(): Promise<{ s: Served; c: Client }> {
  const s = await serve();
  return { s, c: await Client.open(s) };
}

/** kill -9, and waits for the process to be gone. */
export async function killHard(s: Served): Promise<void> {
  s.child.kill('SIGKILL');
  const { signal } = await s.child.result;
  assert.equal(signal, 'SIGKILL');
}

export function stop(s: Served | undefined): Promise<unknown> | undefined {
  if (!s || s.child.exitCode !== null || s.child.signalCode !== null) return undefined;
  s.child.kill('SIGINT');
  return s.child.result;
}

/** The first event that `pick` accepts, waited for. */
export const eventOf = <T>(c: Client, what: string, pick: (e: EventMessage) => T | undefined, timeoutMs = 300_000) =>
  until(what, () => c.events.map(pick).find((x) => x !== undefined), timeoutMs, 20);

/** The session id a startLab reported in its first session event. */
export const sessionOf = (c: Client, lab: string) =>
  eventOf(c, `a session of ${lab}`, (e) => (e.event === 'session' && e.session.lab === lab ? e.session.id : undefined), 60_000);

/** Containers whose command holds `marker` (a build step's container has no labels of ours). */
export async function containersRunning(docker: Docker, marker: string): Promise<string[]> {
  const all = await docker.listContainers({ all: true });
  return all.filter((c) => c.Command.includes(marker)).map((c) => c.Id);
}

/** Temp names (ours: `.<pid>-<hex>.tmp`, the stores': `.<pid>.tmp`) anywhere in the data dir. */
export function tempsIn(dir = dataDir()): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((p) => /\.\d+(-[0-9a-f]{8})?\.tmp$/.test(p));
}

/** Everything of a session in the engine and on disk: its labelled resources and its record. */
export async function sessionLeftovers(docker: Docker, session: string): Promise<string[]> {
  const l = await labelled(docker, session);
  const record = existsSync(join(dataDir(), 'sessions', session)) ? [`record sessions/${session}`] : [];
  return [...l.containers, ...l.volumes.map((v) => `volume ${v}`), ...l.networks.map((n) => `network ${n}`), ...record];
}

/** Starts the app again and waits until `clean` holds; the milliseconds it took and the app. */
export async function nextStartCleans(clean: () => Promise<boolean>, timeoutMs = 60_000): Promise<{ ms: number; s: Served; c: Client }> {
  const began = Date.now();
  const next = await served();
  await until('the next start to clean up', async () => (await clean()) || undefined, timeoutMs, 100);
  return { ms: Date.now() - began, ...next };
}
