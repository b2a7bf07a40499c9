// Kill anywhere (issue 17, item 4): `kill -9` of `labvisor serve` while a lab image builds,
// while a VM boots (its initramfs half-packed, then its runner and QEMU up) and while a bundle
// loads. Each kill lands at its moment by waiting for what marks it (a build step's container, a
// temp file of the initramfs, the runner container, the load's first progress). The next start
// of the app must remove what was left (session resources, helpers, temps, the half-done load's
// tags) and the same lab must then start whole: nothing of the killed run poisons a cache.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createBundle } from '../../electron/engine/images/bundle-create.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { ownerHost, processStartTime } from '../../electron/engine/owner.js';
import { containerName } from '../../electron/engine/sessions/names.js';
import type { SessionInfo } from '../../electron/shared/api.js';
import {
  containersRunning, dataDir, eventOf, killHard, nextStartCleans, served, sessionLeftovers, sessionOf, stop, tempsIn, until,
} from './kill-support.js';
import { engineOrSkip, fixture, labelled, nothing, vmSkip } from './support.js';
import type { Client, Served } from './ws-client.js';

const engine = await engineOrSkip();
const vms = await vmSkip(engine, 'kill -9 while a VM boots');
const work = mkdtempSync(join(tmpdir(), 'labvisor-kill-'));

/** Removes the images of one of our fixture labs (they are ours alone): the next start must build. */
async function removeLabImages(docker: Docker, lab: string): Promise<void> {
  const images = await docker.listImages({ filters: { reference: [`labvisor/lab-${lab}-*`] } });
  for (const i of images) await docker.getImage(i.Id).remove({ force: true }).catch(() => {});
}

/** startLab without waiting for its answer: the server is killed before it comes. */
const startWithoutWaiting = (c: Client, lab: string) => c.ws.send(JSON.stringify({ id: `start-${lab}`, method: 'startLab', params: { lab } }));

/** Helper containers (kernel, guest and build helpers outside a session) owned by process `pid`. */
async function helpersOf(docker: Docker, pid: number): Promise<string[]> {
  const helpers = await docker.listContainers({ all: true, filters: { label: ['io.labvisor.role=helper'] } });
  return helpers.filter((h) => h.Labels['io.labvisor.owner']?.split('/')[1] === String(pid)).map((h) => h.Id);
}

/** Figures for docs/reliability.md, printed at the end. */
const figures: string[] = [];

describe('kill -9 of labvisor serve, then the next start', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;
  const apps: Served[] = [];
  after(async () => {
    await Promise.all(apps.map(stop));
    await removeLabImages(docker, 'kill-build');
    await removeLabImages(docker, 'kill-bundle');
    rmSync(work, { recursive: true, force: true });
    for (const f of figures) console.log(`# figure: ${f}`);
  });

  test('while a lab image builds: the build\'s step container goes, so do the session\'s leftovers; the lab then builds whole', async () => {
    const MARK = 'lv-kill-build-step';
    await removeLabImages(docker, 'kill-build');
    const first = await served();
    apps.push(first.s);
    await first.c.ok('openLabFolder', { path: fixture('kill-build') });
    startWithoutWaiting(first.c, 'kill-build');
    const session = await sessionOf(first.c, 'kill-build');
    await until('the build step\'s container', async () => (await containersRunning(docker, MARK))[0]);
    await killHard(first.s);
    const left = await sessionLeftovers(docker, session);
    assert.ok(left.includes(`record sessions/${session}`), `the killed session's record is left: ${left.join(', ')}`);

    // The engine ends a build whose client is gone; forcerm removes the step's container.
    const killedAt = Date.now();
    await until('the engine to remove the killed build\'s step container', async () => (await containersRunning(docker, MARK)).length === 0, 30_000);
    figures.push(`build: engine removed the killed build's step container in ${Date.now() - killedAt} ms`);
    assert.deepEqual(await docker.listImages({ filters: { reference: ['labvisor/lab-kill-build-*'] } }), [], 'no image is tagged from the half build');

    const next = await nextStartCleans(async () => (await sessionLeftovers(docker, session)).length === 0);
    apps.push(next.s);
    figures.push(`build: next start removed ${left.length} leftover(s) (${left.join(', ')}) in ${next.ms} ms`);
    assert.deepEqual(tempsIn(), []);

    await next.c.ok('openLabFolder', { path: fixture('kill-build') });
    const info = await next.c.ok<SessionInfo>('startLab', { lab: 'kill-build' });
    assert.deepEqual(await next.c.ok('checkStep', { session: info.id, step: 'built' }), { ok: true, messages: [] });
    await next.c.ok('stopLab', { session: info.id });
    assert.deepEqual(await labelled(docker, info.id), nothing);
    await stop(next.s);
  });

  test('while a VM boots: a half-packed initramfs, then a runner with QEMU up; the next starts remove both, then the VM boots', { skip: vms }, async () => {
    const guests = join(dataDir(), 'guests');
    // 1. Killed while the guest's initramfs is packed (this test file's data dir has no guests yet).
    assert.equal(existsSync(guests) && readdirSync(guests).some((f) => f.endsWith('.cpio.gz')), false, 'a fresh data dir');
    const first = await served();
    apps.push(first.s);
    await first.c.ok('openLabFolder', { path: fixture('vm-lab') });
    startWithoutWaiting(first.c, 'vm-lab');
    const s1 = await sessionOf(first.c, 'vm-lab');
    await until('a temp file of the initramfs', () => tempsIn().some((p) => p.startsWith('guests/')) || undefined, 300_000, 5);
    await killHard(first.s);
    const temps = tempsIn();
    const helpers = await helpersOf(docker, first.s.child.pid!);
    assert.ok(temps.length > 0, 'the kill left a temp file of the initramfs');
    assert.equal(readdirSync(guests).some((f) => f.endsWith('.cpio.gz')), false, 'no initramfs under the cache\'s name');

    const second = await nextStartCleans(async () =>
      tempsIn().length === 0 && (await sessionLeftovers(docker, s1)).length === 0 && (await helpersOf(docker, first.s.child.pid!)).length === 0);
    apps.push(second.s);
    figures.push(`vm initramfs: next start removed ${temps.length} temp file(s), ${helpers.length} helper container(s) and session ${s1} in ${second.ms} ms`);

    // 2. Killed once the VM's runner (QEMU in it) runs.
    startWithoutWaiting(second.c, 'vm-lab');
    const s2 = await sessionOf(second.c, 'vm-lab');
    const runner = await until('the VM\'s runner with QEMU', async () => {
      const state = (await docker.getContainer(containerName(s2, 'vm')).inspect().catch(() => undefined))?.State;
      return state?.Running && state.Pid > 0 ? state.Pid : undefined;
    }, 300_000, 50);
    const runnerStart = processStartTime(runner);
    await killHard(second.s);
    const left = await sessionLeftovers(docker, s2);
    assert.ok(left.some((l) => l.endsWith('-vm')), `the runner outlived its server: ${left.join(', ')}`);
    const third = await nextStartCleans(async () => (await sessionLeftovers(docker, s2)).length === 0);
    apps.push(third.s);
    assert.notEqual(processStartTime(runner), runnerStart, 'the runner\'s QEMU is gone');
    figures.push(`vm boot: next start removed ${left.length} leftover(s) (runner and QEMU included) in ${third.ms} ms`);

    // 3. Not poisoned: one whole initramfs in the cache, and the VM boots from it.
    const info = await third.c.ok<SessionInfo>('startLab', { lab: 'vm-lab' });
    const cached = readdirSync(guests);
    assert.equal(cached.length, 1, cached.join(', '));
    execFileSync('gzip', ['-t', join(guests, cached[0]!)]);
    assert.deepEqual(await third.c.ok('checkStep', { session: info.id, step: 'own-kernel' }), { ok: true, messages: [] });
    await third.c.ok('stopLab', { session: info.id });
    assert.deepEqual(await labelled(docker, info.id), nothing);
    await stop(third.s);
  });

  test('while a bundle loads: the next start undoes the load\'s tags (its journal) and removes its temps; the bundle then loads', async () => {
    const file = join(work, 'kill.bundle');
    const made = await createBundle(docker, engine.info as EngineInfo, file, { labs: [fixture('kill-bundle')] });
    const ours = made.manifest.images.filter((i) => i.ref.startsWith('labvisor/lab-kill-bundle-'));
    assert.equal(ours.length, 1, JSON.stringify(made.manifest.images));
    const tagsBefore = async () => new Map(await Promise.all(made.manifest.images.map(async (i) =>
      [i.ref, await docker.getImage(i.ref).inspect().then((x) => x.Id, () => undefined)] as const)));
    // The lab's image absent: a load that got as far as tagging it would change the engine.
    await removeLabImages(docker, 'kill-bundle');
    const before = await tagsBefore();

    const first = await served();
    apps.push(first.s);
    first.c.ws.send(JSON.stringify({ id: 'load', method: 'loadBundle', params: { path: file } }));
    await eventOf(first.c, 'the load phase', (e) => (e.event === 'bundle' && e.progress.phase === 'load' ? true : undefined), 120_000);
    await killHard(first.s);
    const journals = readdirSync(join(dataDir(), 'bundle-loads'));
    assert.equal(journals.length, 1, 'the killed load left its journal');

    const next = await nextStartCleans(async () => !existsSync(join(dataDir(), 'bundle-loads', journals[0]!)));
    apps.push(next.s);
    figures.push(`bundle: next start undid the interrupted load (journal replayed) in ${next.ms} ms`);
    assert.deepEqual(await tagsBefore(), before, 'the engine has the tags it had before the load');
    assert.deepEqual(tempsIn(), []);

    const loaded = await next.c.ok<{ labs: string[]; images: number }>('loadBundle', { path: file });
    assert.deepEqual(loaded.labs, ['kill-bundle']);
    assert.equal(await docker.getImage(ours[0]!.ref).inspect().then((x) => x.Id), ours[0]!.id);
    assert.deepEqual(readdirSync(join(dataDir(), 'bundle-loads')), []);
    await stop(next.s);

    // Killed later, once the engine had tagged the lab's image: its journal (as a killed load
    // leaves it) has the next start remove that tag, the engine being as before the load.
    const dead = spawnSync('true').pid!;
    const journal = join(dataDir(), 'bundle-loads', `${dead}-0badf00d.json`);
    writeFileSync(journal, JSON.stringify({
      owner: `${ownerHost()}/${dead}/1`, bundle: file, images: made.manifest.images.map(({ ref, id }) => ({ ref, id })),
      before: [...before].map(([ref, id]) => [ref, id ?? null]),
    }));
    const last = await nextStartCleans(async () => !existsSync(journal));
    apps.push(last.s);
    assert.deepEqual(await tagsBefore(), before, 'the tag the interrupted load had added is gone; the others are as they were');
    assert.match(last.s.child.stderrSoFar(), /undid the interrupted load of .*kill\.bundle: 1 image tag\(s\) it had added removed/);
    figures.push(`bundle: next start undid a load killed after tagging (1 tag removed) in ${last.ms} ms`);
  });
});
