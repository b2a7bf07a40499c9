// The lenses as the UI gets them, over the WebSocket of `labvisor serve`, on a real volume-backup
// session: the container's processes and kernel, its start footprint and memory, the lab's image
// layers, and the volume's files and backups as the learner fills it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import type { FootprintLens, ImageDiff, ImageLens, KernelLens, ProcessLens, SessionInfo, VolumeLens } from '../../electron/shared/api.js';
import { engineOrSkip, labelled, nothing } from './support.js';
import { Client, serve, stopServing, type Served } from './ws-client.js';

const engine = await engineOrSkip();

describe('lenses over the WebSocket', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;
  let s: Served;
  let c: Client;
  let session: string;

  before(async () => {
    s = await serve();
    c = await Client.open(s);
    session = (await c.ok<SessionInfo>('startLab', { lab: 'volume-backup' })).id;
  });

  after(async () => {
    if (!s) return;
    await stopServing(s);
    if (session) assert.deepEqual(await labelled(docker, session), nothing);
  });

  test('processes and kernels: the app container is host processes on the host\'s kernel', async () => {
    const lens = await c.ok<ProcessLens>('lensProcesses', { session });
    const app = lens.owners.find((o) => o.kind === 'container');
    assert.equal(app?.name, `lv-${session}-app`);
    assert.equal(app?.initPid, (await docker.getContainer(`lv-${session}-app`).inspect()).State.Pid);
    assert.ok(lens.processes.filter((p) => p.owner.kind === 'container').every((p) => p.owner.session === session));
    const { machines } = await c.ok<KernelLens>('lensKernels', { session });
    assert.deepEqual(machines.map((m) => [m.kind, m.sharesHostKernel]), [['host', true], ['container', true]]);
    assert.match(JSON.stringify(await c.call('lensProcesses', { session: 'NOPE' })), /"code":"bad-request"/);
  });

  test('footprint: the container\'s start phases, and memory sampled on each look', async () => {
    const first = await c.ok<FootprintLens>('lensFootprint', { session });
    const second = await c.ok<FootprintLens>('lensFootprint', { session });
    const run = second.runs[0]!;
    assert.equal(run.lab, 'volume-backup');
    assert.deepEqual(run.machines.find((m) => m.name === 'app')?.phases.map((p) => p.phase), ['created', 'running']);
    assert.equal(run.samples.length, first.runs[0]!.samples.length + 1);
    assert.ok(run.samples.at(-1)!.memKb.app! > 0);
  });

  test('images: the lab image\'s layers, each with the Dockerfile line that made it; not other builds of the lab', async () => {
    // Another cached build of the same lab (an older recipe) is not this session's image.
    const started = (await docker.getContainer(`lv-${session}-app`).inspect()).Config.Image;
    await docker.getImage(started).tag({ repo: 'labvisor/lab-volume-backup-app', tag: 'older-build' });
    const { images } = await c.ok<ImageLens>('lensImages', { session }).finally(() => docker.getImage('labvisor/lab-volume-backup-app:older-build').remove());
    assert.deepEqual(images.map((i) => i.ref), [started]);
    const app = images[0]!;
    assert.ok(app.layers.some((l) => l.digest && /COPY|ADD/.test(l.createdBy)), JSON.stringify(app.layers));
    const same = await c.ok<ImageDiff>('lensImageDiff', { session, from: app.ref, to: app.ref });
    assert.deepEqual([same.onlyFrom.length, same.onlyTo.length, same.shared.length], [0, 0, app.layers.length]);
    assert.match(JSON.stringify(await c.call('lensImageDiff', { session, from: app.ref, to: 'alpine:latest' })), /"code":"not-found"/);
  });

  test('volume: empty at first; the records, then the backup the learner took', async () => {
    const empty = await c.ok<VolumeLens>('lensVolume', { session, volume: 'records' });
    assert.deepEqual([empty.exists, empty.files, empty.backups], [true, [], []]);
    for (const step of ['write-records', 'export-container', 'backup-volume']) assert.equal((await c.ok<{ ok: boolean }>('solveStep', { session, step })).ok, true, step);
    const full = await c.ok<VolumeLens>('lensVolume', { session, volume: 'records' });
    const records = full.files.find((f) => f.path === 'records.txt');
    assert.ok(records && records.sizeBytes > 0, JSON.stringify(full.files));
    // The backup, taken into the lab's backups volume, holds every file of the records volume.
    assert.deepEqual(full.backups.map((b) => [b.file, b.holdsVolumeFiles]), [['backups/records.tar.gz', full.files.length]]);
    assert.match(JSON.stringify(await c.call('lensVolume', { session, volume: 'nope' })), /"code":"not-found"/);
  });
});
