// Kill anywhere, long version (issue 17, item 4): `kill -9` of `labvisor serve` at a random
// moment of a lab's start, LV_SOAK_KILLS times (default 10) for a lab whose image builds and for
// a lab with a VM, each followed by the next start, which must leave nothing of the killed run
// (session resources, helpers, temps), and a full start of the same lab that must pass its check.
// Prints the figures for docs/reliability.md. reliability-kill.test.ts is the short version.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import type { SessionInfo } from '../../electron/shared/api.js';
import { killHard, nextStartCleans, served, sessionLeftovers, sessionOf, stop, tempsIn } from '../integration/kill-support.js';
import { engineOrSkip, fixture, labelled, nothing, vmSkip } from '../integration/support.js';
import type { Served } from '../integration/ws-client.js';

const engine = await engineOrSkip();
const vms = await vmSkip(engine, 'the kill-anywhere soak');
const KILLS = Number(process.env.LV_SOAK_KILLS ?? 10);

async function removeLabImages(docker: Docker, lab: string): Promise<void> {
  for (const i of await docker.listImages({ filters: { reference: [`labvisor/lab-${lab}-*`] } })) {
    await docker.getImage(i.Id).remove({ force: true }).catch(() => {});
  }
}

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Kills at a random moment of `lab`'s start, up to `windowMs` in, then checks the next start cleans and the lab then passes `step`. */
async function killsDuringStart(docker: Docker, lab: string, step: string, windowMs: number, fresh: () => Promise<void>) {
  const cleanupMs: number[] = [];
  const apps: Served[] = [];
  try {
    for (let i = 0; i < KILLS; i++) {
      await fresh();
      const { s, c } = await served();
      apps.push(s);
      await c.ok('openLabFolder', { path: fixture(lab) });
      c.ws.send(JSON.stringify({ id: 'start', method: 'startLab', params: { lab } }));
      const session = await sessionOf(c, lab);
      await pause(Math.random() * windowMs);
      await killHard(s);
      const next = await nextStartCleans(async () => (await sessionLeftovers(docker, session)).length === 0 && tempsIn().length === 0);
      apps.push(next.s);
      cleanupMs.push(next.ms);
      await next.c.ok('openLabFolder', { path: fixture(lab) });
      const info = await next.c.ok<SessionInfo>('startLab', { lab });
      assert.equal((await next.c.ok<{ ok: boolean }>('checkStep', { session: info.id, step })).ok, true, `kill ${i + 1}: the lab is whole again`);
      await next.c.ok('stopLab', { session: info.id });
      assert.deepEqual(await labelled(docker, info.id), nothing);
      await stop(next.s);
    }
  } finally {
    await Promise.all(apps.map(stop));
  }
  const sorted = [...cleanupMs].sort((a, b) => a - b);
  console.log(`# figure: ${lab}: ${KILLS} kills at random moments of the start; next start cleaned up in ` +
    `median ${sorted[sorted.length >> 1]} ms, max ${sorted.at(-1)} ms; nothing left`);
}

describe(`kill -9 anywhere in a start, ${KILLS} times`, { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;
  after(() => removeLabImages(docker, 'kill-build'));

  test('a lab whose image builds (the image removed before each start)', { timeout: KILLS * 180_000 }, () =>
    killsDuringStart(docker, 'kill-build', 'built', 9_000, () => removeLabImages(docker, 'kill-build')));

  test('a lab with a VM', { skip: vms, timeout: KILLS * 300_000 }, () =>
    killsDuringStart(docker, 'vm-lab', 'own-kernel', 30_000, async () => {}));
});
