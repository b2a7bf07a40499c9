// Hostile labs, tried as a learner would start them (`labvisor run PATH`, no --trust). Each asks
// for something beyond the safe default, or tries to sneak it past the loader, and must be
// refused with its reason at its line — leaving nothing in the engine and no QEMU behind. Then
// the walls a lab without trust runs inside are tried for real: a build has no network; a VM
// cannot reach the learner's loopback; outbound puts its runner on the routed network.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLab } from '../../electron/engine/labs/load.js';
import { LabSession } from '../../electron/engine/sessions/lab-session.js';
import { egressNetworkName, containerName } from '../../electron/engine/sessions/names.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { cli, engineOrSkip, fixture, root, vmSkip } from './support.js';

const hostile = (name: string) => join(root, 'test', 'fixtures', 'hostile', name);
const engine = await engineOrSkip();
const vms = await vmSkip(engine, 'The VM walls');

/** Everything in the engine labelled for a lab, whatever its session. */
async function labelledForLab(docker: Docker, lab: string): Promise<string[]> {
  const filters = { label: [`io.labvisor.lab=${lab}`] };
  const [c, v, n] = await Promise.all([docker.listContainers({ all: true, filters }), docker.listVolumes({ filters }), docker.listNetworks({ filters })]);
  return [...c.map((x) => x.Names[0]!), ...(v.Volumes ?? []).map((x) => x.Name), ...n.map((x) => x.Name)];
}

/**
 * QEMU processes booting one of this hostile lab's VMs (their kernel command line names the
 * guest's hostname), so other VMs running on this machine meanwhile do not count.
 */
async function qemuProcesses(lab: string): Promise<number> {
  const { lab: spec } = await loadLab(hostile(lab));
  const vms = spec.machines.flatMap((m) => (m.kind === 'vm' ? [`labvisor.hostname=${m.hostname ?? m.name}`] : []));
  if (!vms.length) return 0;
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      return /qemu-system/.test(cmdline.split('\0')[0]!) && vms.some((v) => cmdline.includes(v));
    } catch { return false; }
  }).length;
}

describe('hostile labs are refused without trust, with their reasons, leaving nothing', { skip: engine.skip }, () => {
  const docker = engine.docker!;
  let portHolder: Server;
  before(async () => {
    // taken-port asks for 47913: another program holds it first.
    portHolder = createServer((_q, r) => r.end('someone else')).listen(47913, '127.0.0.1');
    await new Promise((r) => portHolder.once('listening', r));
  });
  after(() => portHolder.close());

  const needsTrust: Array<[string, RegExp[]]> = [
    ['capabilities', [/lab\.yaml:12:27: machine "box" gets capability SYS_ADMIN/, /SYS_PTRACE/, /NET_ADMIN/]],
    ['privileged', [/lab\.yaml:\d+:\d+: machine "box" runs privileged/]],
    ['host-shell', [/lab\.yaml:\d+:\d+: machine "mine" is a shell on your computer/]],
    ['docker-host-view', [/lab\.yaml:\d+:\d+: machine "view" is a root shell on the Docker host \(kind: docker-host\)/]],
    ['outbound', [/machine "box" may reach the internet/, /machine "guest" may reach the internet/]],
    ['low-port', [/lab\.yaml:\d+:\d+: machine "web" takes port 80 on your computer/]],
    ['taken-port', [/machine "web" takes port 47913 on your computer, which another program already listens on/]],
    ['resource-bomb', [/it takes 9 machines/, /73728 MiB of memory/, /72 CPUs/]],
    ['foreign-from-declared', [/images\/app\/Dockerfile:2:1: an image builds FROM debian:bookworm-slim/]],
    ['build-network', [/lab\.yaml:\d+:\d+: its image builds may download from the network/]],
  ];
  for (const [name, reasons] of needsTrust) {
    test(`${name}: refused by run without --trust`, async () => {
      const qemuBefore = await qemuProcesses(name);
      const r = await cli(['run', hostile(name)]);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /needs your trust before it runs/);
      for (const reason of reasons) {
        // Each reason on its own line, at the file, line and column that asks for it.
        const line = r.stderr.split('\n').find((l) => reason.test(l));
        assert.ok(line, `${reason} in ${r.stderr}`);
        assert.match(line, new RegExp(`^  \\S*hostile/${name}/(lab\\.yaml|images/app/Dockerfile):\\d+:\\d+: `), line);
      }
      assert.deepEqual(await labelledForLab(docker, name), [], 'nothing was created');
      assert.equal(await qemuProcesses(name), qemuBefore, 'no QEMU was started');
    });
  }

  test('taken-port on a remote engine: the port cannot be looked at beforehand, so the start fails naming it, leaving nothing', async () => {
    // The engine here is local; told it is remote, the session skips the local look, as it must for a real remote one.
    const remote: EngineInfo = { ...(engine.info as EngineInfo), location: 'remote' };
    const session = new LabSession(docker, remote, await loadLab(hostile('taken-port')));
    await assert.rejects(session.start({ trust: true }), /cannot publish port 47913 \(machine "web"\): already in use on the Docker host/);
    assert.deepEqual(await labelledForLab(docker, 'taken-port'), []);
  });

  const lintErrors: Array<[string, RegExp]> = [
    ['foreign-from', /images\/app\/Dockerfile:1:1: FROM debian:bookworm-slim: a lab image builds FROM labvisor\/base/],
    ['add-url', /images\/app\/Dockerfile:2:1: ADD https:\/\/example\.com\/payload\.sh fetches from the network/],
    ['copy-from-image', /images\/app\/Dockerfile:3:1: COPY --from=alpine:3\.20: a lab image builds FROM labvisor\/base/],
  ];
  for (const [name, error] of lintErrors) {
    test(`${name}: does not load, even with --trust`, async () => {
      const r = await cli(['run', hostile(name), '--trust']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, error);
      assert.deepEqual(await labelledForLab(docker, name), []);
    });
  }

  test('symlinked-images: an images/ folder that leads outside the lab is no build context', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'labvisor-hostile-'));
    const lab = join(tmp, 'symlinked-images');
    cpSync(hostile('symlinked-images'), lab, { recursive: true });
    const outside = join(tmp, 'outside');
    mkdirSync(join(outside, 'app'), { recursive: true });
    writeFileSync(join(outside, 'app', 'Dockerfile'), 'FROM labvisor/base\nCOPY .env /stolen\n');
    writeFileSync(join(outside, 'app', '.env'), 'SECRET=learner-credentials\n');
    symlinkSync(outside, join(lab, 'images'));
    const r = await cli(['run', lab, '--trust']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /lab\.yaml:\d+:\d+: "images" is a symbolic link/);
    assert.deepEqual(await labelledForLab(docker, 'symlinked-images'), []);
  });
});

describe('the walls around a lab without trust', { skip: engine.skip }, () => {
  const docker = engine.docker!;
  const info = engine.info as EngineInfo;

  test('an image build has no network (only loopback), 1 GiB of memory without swap and 2 CPUs', async () => {
    const session = new LabSession(docker, info, await loadLab(fixture('build-offline')));
    try {
      await session.start();
      const r = await session.runScript('box', 'cat /build-net-dev.txt', 10_000);
      assert.equal(r.exitCode, 0, r.output);
      assert.match(r.output, /\blo:/);
      assert.doesNotMatch(r.output, /eth\d+:/, 'the build saw no network interface');
      // The limits as the build's own cgroup had them (v2 or v1 files).
      const limits = (await session.runScript('box', 'cat /build-limits.txt', 10_000)).output;
      assert.match(limits, /^(memory\.max|memory\/memory\.limit_in_bytes) 1073741824$/m, limits);
      assert.match(limits, /^(cpu\.max 200000 100000|cpu\/cpu\.cfs_quota_us 200000)$/m, limits);
      if (/memsw/.test(limits)) assert.match(limits, /^memory\/memory\.memsw\.limit_in_bytes 1073741824$/m, limits);
    } finally {
      await session.stop();
    }
  });

  test('a VM cannot reach the learner\'s loopback, trusted or not (10.0.2.2 is its runner\'s own); a trusted outbound VM and container join the routed network', { skip: vms }, async () => {
    const secret = `secret-${process.pid}`;
    const server = createServer((_q, r) => r.end(secret)).listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as { port: number }).port;
    // busybox 1.35's wget crashes with -T here: timeout bounds it instead; 139 would be that crash.
    const probe = `timeout 5 wget -q -O - http://10.0.2.2:${port}/; echo " exit=$?"`;
    const confined = new LabSession(docker, info, await loadLab(hostile('vm-loopback')));
    const outbound = new LabSession(docker, info, await loadLab(hostile('outbound')));
    try {
      await confined.start();
      const denied = await confined.runScript('guest', probe, 20_000);
      assert.doesNotMatch(denied.output, new RegExp(secret));
      assert.doesNotMatch(denied.output, /exit=(0|139)\b/, denied.output);

      await outbound.start({ trust: true });
      const still = await outbound.runScript('guest', probe, 20_000);
      assert.doesNotMatch(still.output, new RegExp(secret));
      assert.doesNotMatch(still.output, /exit=(0|139)\b/, still.output);
      // What outbound gives (the positive control of reaching out is in vm-network.test.ts): the routed network.
      for (const machine of ['box', 'guest']) {
        const c = await docker.getContainer(containerName(outbound.id, machine)).inspect();
        assert.ok(egressNetworkName(outbound.id) in c.NetworkSettings.Networks, machine);
      }
      const guest = await docker.getContainer(containerName(confined.id, 'guest')).inspect();
      assert.deepEqual(Object.keys(guest.NetworkSettings.Networks), [`lv-${confined.id}`], 'the untrusted VM\'s runner is on the lab network only');
      assert.equal((await docker.getNetwork(egressNetworkName(outbound.id)).inspect()).Internal, false);
    } finally {
      await Promise.all([confined.stop(), outbound.stop()]);
      server.close();
    }
  });
});
