// A lab session against the real engine: hardened machines, labels, checks, probes,
// isolation between sessions, and all-or-nothing start and stop.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { loadLab, type LoadedLab } from '../../electron/engine/labs/load.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { LabSession } from '../../electron/engine/sessions/lab-session.js';
import { solveLab } from '../../electron/engine/sessions/solve-lab.js';
import { containerName, networkName, portRelayName, volumeName } from '../../electron/engine/sessions/names.js';
import { BASE_IMAGE } from '../../electron/engine/images/base-image.js';
import { currentOwner, formatOwner } from '../../electron/engine/owner.js';
import { engineOrSkip, fixture, labelled, nothing } from './support.js';

const engine = await engineOrSkip();

describe('a lab session on a real engine', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;
  let loaded: LoadedLab;
  let session: LabSession;

  before(async () => {
    loaded = await loadLab(fixture('probe-lab'));
    session = new LabSession(docker, info, loaded);
    await session.start({ trust: true });
  });
  after(async () => { await session?.stop(); });

  test('machines run hardened: init, no capabilities but the declared one, no new privileges, limits', async () => {
    const c = await docker.getContainer(containerName(session.id, 'box')).inspect();
    const hc = c.HostConfig;
    assert.equal(hc.Init, true);
    assert.deepEqual(hc.CapDrop, ['ALL']);
    assert.deepEqual(hc.CapAdd, ['CHOWN']);
    assert.deepEqual(hc.SecurityOpt, ['no-new-privileges']);
    assert.equal(hc.Memory, 64 * 1024 * 1024);
    assert.equal(hc.MemorySwap, hc.Memory);
    assert.equal(hc.PidsLimit, 64);
    assert.equal(hc.NanoCpus, 5e8);
    assert.ok(!c.Mounts.some((m) => m.Source?.includes('docker.sock')));
    // What the kernel enforces, seen from inside: only CAP_CHOWN (bit 0) effective, NoNewPrivs set, PID 1 is the init.
    const r = await session.runScript('box', "grep -E '^(CapEff|NoNewPrivs)' /proc/self/status; cat /proc/1/cmdline | tr '\\0' ' '", 5000);
    assert.match(r.output, /CapEff:\s+0000000000000001/);
    assert.match(r.output, /NoNewPrivs:\s+1/);
    assert.match(r.output, /docker-init|tini/);
  });

  test('every resource carries the lab, session and owner labels; ports are on 127.0.0.1 only', async () => {
    const labels = { 'io.labvisor.lab': 'probe-lab', 'io.labvisor.session': session.id, 'io.labvisor.owner': formatOwner(currentOwner()) };
    const c = await docker.getContainer(containerName(session.id, 'box')).inspect();
    const v = await docker.getVolume(volumeName(session.id, 'data')).inspect();
    const n = await docker.getNetwork(networkName(session.id)).inspect();
    for (const got of [c.Config.Labels, v.Labels, n.Labels]) assert.deepEqual({ ...got, 'io.labvisor.role': undefined }, { ...labels, 'io.labvisor.role': undefined });
    const image = await docker.getImage(c.Image).inspect();
    assert.equal(image.Id, (await docker.getImage(BASE_IMAGE).inspect()).Id);
    const web = await docker.getImage((await docker.getContainer(containerName(session.id, 'web')).inspect()).Image).inspect();
    assert.equal(web.Config.Labels?.['io.labvisor.lab'], 'probe-lab');
    assert.equal(web.Config.Labels?.['io.labvisor.role'], 'image');
    // Published through our relay: the machine itself publishes nothing and stays on the internal network.
    const webMachine = await docker.getContainer(containerName(session.id, 'web')).inspect();
    assert.deepEqual(Object.keys(webMachine.NetworkSettings.Networks), [networkName(session.id)]);
    assert.equal((await docker.getNetwork(networkName(session.id)).inspect()).Internal, true);
    assert.deepEqual(Object.values(webMachine.HostConfig.PortBindings ?? {}).flat(), []);
    const relay = await docker.getContainer(portRelayName(session.id)).inspect();
    assert.equal(relay.Config.Labels['io.labvisor.session'], session.id);
    const published = Object.values(relay.NetworkSettings.Ports ?? {}).flat() as Array<{ HostIp: string; HostPort: string }>;
    assert.ok(published.length > 0 && published.every((p) => p.HostIp === '127.0.0.1'), JSON.stringify(published));
    const answer = await fetch(`http://127.0.0.1:${published[0]!.HostPort}/`);
    assert.equal(await answer.text(), 'ok\n', 'the published port reaches the machine');
  });

  test('machines reach each other by name on the session network', async () => {
    const r = await session.runScript('box', 'wget -qO- http://web:8080/', 10_000);
    assert.equal(r.exitCode, 0, r.output);
    assert.equal(r.output, 'ok\n');
  });

  test('script checks: FAIL lines, a timeout that kills the script, capped output', async () => {
    const failed = await session.check('write');
    assert.equal(failed.ok, false);
    assert.ok(failed.messages.includes('no world in the note yet'), failed.messages.join('|'));
    assert.ok(failed.messages.some((m) => /note\.txt in volume "data" cannot be read/.test(m)), failed.messages.join('|'));

    const slow = await session.runScript('box', 'sleep 4242', 500);
    assert.equal(slow.timedOut, true);
    await new Promise((r) => setTimeout(r, 300));
    const ps = await session.runScript('box', 'ps -o args', 5000);
    assert.doesNotMatch(ps.output, /sleep 4242/, 'the timed-out script was killed');

    const flood = await session.runScript('box', 'yes | head -c 1000000', 10_000);
    assert.equal(flood.truncated, true);
    assert.equal(flood.output.length, 64 * 1024);
  });

  test('solving every step: checks fail first, then pass; probes hold; the host drives the engine', async () => {
    const outcomes = await solveLab(session);
    assert.deepEqual(outcomes.map((o) => [o.id, o.ok, o.message]), [
      ['write', true, 'check passed after the solution'],
      ['facts', true, 'check passed after the solution'],
      ['stop-web', true, 'check passed after the solution'],
    ]);
  });

  test('reset brings the lab back to its first state: fresh volume, machines running again, a removed lab image made again', async () => {
    // A learner may retire a lab image (rebuild-not-patch does): the reset makes it again.
    const web = (await docker.getContainer(`lv-${session.id}-web`).inspect()).Config.Image;
    await docker.getImage(web).remove({ force: true });
    await session.reset();
    assert.equal((await docker.getContainer(`lv-${session.id}-web`).inspect()).Config.Image, web);
    const r = await session.check('write');
    assert.equal(r.ok, false, 'the note written before the reset is gone');
    assert.equal((await session.check('stop-web')).ok, false, 'web runs again');
  });

  test('a second session of the same lab is apart: its own names; stopping it leaves the first alone', async () => {
    const other = new LabSession(docker, info, loaded);
    await other.start({ trust: true });
    try {
      assert.notEqual(other.id, session.id);
      const mine = await labelled(docker, session.id);
      const theirs = await labelled(docker, other.id);
      assert.equal(theirs.containers.length, 4, 'two machines, the Docker host view and the port relay');
      assert.ok(!theirs.containers.some((c) => mine.containers.includes(c)));
    } finally {
      await other.stop();
    }
    assert.deepEqual(await labelled(docker, other.id), nothing);
    assert.equal((await labelled(docker, session.id)).containers.length, 4);
  });
});

describe('all or nothing', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;

  test('a start that fails half-way removes what it had created', async () => {
    const loaded = await loadLab(fixture('probe-lab'));
    const session = new LabSession(docker, info, loaded);
    // A squatter on the name of the second machine makes its creation fail after the first exists.
    const squatter = await docker.createContainer({ name: containerName(session.id, 'web'), Image: BASE_IMAGE, Cmd: ['true'] });
    await assert.rejects(session.start({ trust: true }), new RegExp(`A container named ${containerName(session.id, 'web')} already exists: .*docker rm -f`));
    assert.deepEqual(await labelled(docker, session.id), nothing);
    await assert.rejects(squatter.inspect(), /no such container/i, 'even the unlabelled container under the session prefix is gone');
  });

  test('stop removes what the learner made by hand under the session names and what pins its volumes', async () => {
    const session = new LabSession(docker, info, await loadLab(fixture('probe-lab')));
    await session.start({ trust: true });
    const byHand = await docker.createContainer({ name: containerName(session.id, 'extra'), Image: BASE_IMAGE, Cmd: ['true'] });
    const pinning = await docker.createContainer({
      Image: BASE_IMAGE, Cmd: ['true'], HostConfig: { Binds: [`${volumeName(session.id, 'data')}:/d`] },
    });
    await session.stop();
    assert.deepEqual(await labelled(docker, session.id), nothing);
    await assert.rejects(byHand.inspect(), /no such container/i);
    await assert.rejects(pinning.inspect(), /no such container/i);
    await assert.rejects(docker.getVolume(volumeName(session.id, 'data')).inspect(), /no such volume/i);
  });

  test('a lab with a shell on your computer does not start without trust, and creates nothing', async () => {
    const session = new LabSession(docker, info, await loadLab(fixture('trust-me')));
    await assert.rejects(session.start(), /needs your trust[\s\S]*kind: learner-computer[\s\S]*--trust/);
    assert.deepEqual(await labelled(docker, session.id), nothing);
  });
});
