// The `labvisor` command end to end, as a person or CI runs it, against the real engine.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { currentOwner, formatOwner, ownerHost } from '../../electron/engine/owner.js';
import { cli, engineOrSkip, fixture, labelled, nothing, startCli, waitForStderr } from './support.js';

const engine = await engineOrSkip();

/** Running, not a zombie: a killed QEMU whose runner died waits for init to reap it. */
const alive = (pid: number) => {
  try { return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); } catch { return false; }
};

describe('labvisor lint', () => {
  test('the bundled labs pass', async () => {
    const r = await cli(['lint', 'labs']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /ok\s+volume-backup/, 'results on stdout: lint labs | less');
  });

  test('an unknown machine kind fails with file:line:col', async () => {
    const r = await cli(['lint', fixture('unknown-kind')]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /unknown-kind\/lab\.yaml:9:11: machines\[0\]\.kind: unknown kind "kontainer"; expected one of: container, vm, docker-host, learner-computer/);
  });
});

describe('labvisor with a real engine', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;

  test('run volume-backup --solve --json: every step passes and nothing labelled remains', async () => {
    const r = await cli(['run', 'labs/volume-backup', '--solve', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.lab, 'volume-backup');
    assert.equal(out.ok, true);
    assert.match(out.session, /^[a-z0-9]{8}$/);
    assert.deepEqual(out.machines.map((m: { name: string; kind: string }) => [m.name, m.kind]), [['app', 'container'], ['host', 'docker-host']]);
    assert.ok(out.machines.every((m: { readyMs: number }) => Number.isInteger(m.readyMs) && m.readyMs >= 0));
    assert.deepEqual(out.steps.map((s: { id: string; ok: boolean }) => [s.id, s.ok]), [
      ['write-records', true], ['export-container', true], ['backup-volume', true], ['disaster', true],
      ['restore', true], ['new-container', true], ['what-you-learned', true],
    ]);
    for (const s of out.steps) assert.deepEqual(Object.keys(s).sort(), ['id', 'message', 'ms', 'ok']);
    assert.deepEqual(await labelled(docker, out.session), nothing);
    const named = await docker.listContainers({ all: true, filters: { name: [`lv-${out.session}`] } });
    assert.deepEqual(named, [], 'the container the learner started by hand is gone too');
  });

  test('a runner killed with SIGKILL leaves resources that gc removes; a live runner is never touched', async () => {
    const victim = startCli(['run', 'labs/volume-backup']);
    const survivor = startCli(['run', fixture('probe-lab'), '--trust']);
    try {
      const victimId = await waitForStderr(victim, /\(session ([a-z0-9]{8})\)/);
      const survivorId = await waitForStderr(survivor, /\(session ([a-z0-9]{8})\)/);
      await Promise.all([waitForStderr(victim, /runs until you press Ctrl-C/), waitForStderr(survivor, /runs until you press Ctrl-C/)]);
      victim.kill('SIGKILL');
      await victim.result;
      const left = (await labelled(docker, victimId)).containers;
      assert.ok(left.includes(`/lv-${victimId}-app`), `SIGKILL left the lab behind: ${left.join(', ')}`);
      assert.ok(left.includes(`/lv-${victimId}-host`), `the Docker host view is labelled with its session, for gc to find: ${left.join(', ')}`);

      const dry = await cli(['gc', '--dry-run', '--json']);
      assert.equal(dry.code, 0, dry.stderr);
      assert.ok(JSON.parse(dry.stdout).sessions.some((s: { id: string }) => s.id === victimId));
      assert.ok((await labelled(docker, victimId)).containers.length > 0, '--dry-run removes nothing');

      const gc = await cli(['gc']);
      assert.equal(gc.code, 0, gc.stderr);
      assert.match(gc.stdout, new RegExp(`session ${victimId} \\(volume-backup`));
      assert.deepEqual(await labelled(docker, victimId), nothing);
      assert.equal((await labelled(docker, survivorId)).containers.length, 4, 'the live session of another runner is untouched (two machines, the Docker host view, the port relay)');

      survivor.kill('SIGINT');
      const r = await survivor.result;
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, /SIGINT: stopping the lab/);
      assert.deepEqual(await labelled(docker, survivorId), nothing, 'Ctrl-C cleans up');
    } finally {
      victim.kill('SIGKILL');
      survivor.kill('SIGINT');
      await Promise.all([victim.result, survivor.result]);
    }
  });

  test('gc removes a helper container left by a dead owner, and keeps a live owner\'s', async () => {
    const make = (owner: string) => docker.createContainer({
      Image: 'labvisor/base:latest', Cmd: ['true'], Labels: { 'io.labvisor.role': 'helper', 'io.labvisor.owner': owner },
    });
    const orphan = await make(`${ownerHost()}/999999999/1`);
    const live = await make(formatOwner(currentOwner()));
    try {
      const r = await cli(['gc']);
      assert.equal(r.code, 0, r.stderr);
      await assert.rejects(orphan.inspect(), /no such container/i);
      await live.inspect();
    } finally {
      await live.remove({ force: true });
    }
  });

  test('run --keep leaves the lab running past the runner, gc spares it (from any data dir), stop removes it', async () => {
    const r = await cli(['run', fixture('probe-lab'), '--trust', '--solve', '--keep', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const { session } = JSON.parse(r.stdout);
    assert.match(r.stderr, new RegExp(`labvisor stop ${session}`));
    const kept = [`lv-${session}-data`, `lv-${session}_kept`];
    await cli(['gc']);
    assert.deepEqual((await labelled(docker, session)).volumes.sort(), kept, 'gc keeps a kept session');
    // Another data dir has no record of it: the engine's marker alone spares it, and ps says kept.
    const elsewhere = { LABVISOR_DATA_DIR: mkdtempSync(join(tmpdir(), 'labvisor-other-data-')) };
    try {
      const gc = await cli(['gc'], elsewhere);
      assert.equal(gc.code, 0, gc.stderr);
      assert.deepEqual((await labelled(docker, session)).volumes.sort(), kept, 'a gc with another data dir keeps it too');
      const other = await cli(['ps', '--json'], elsewhere);
      const seen = (JSON.parse(other.stdout) as { sessions: { id: string; kept: boolean }[] }).sessions.find((s) => s.id === session);
      assert.equal(seen?.kept, true, 'ps from another data dir reads the marker');
    } finally {
      rmSync(elsewhere.LABVISOR_DATA_DIR, { recursive: true, force: true });
    }
    const ps = await cli(['ps', '--json']);
    assert.equal(ps.code, 0, ps.stderr);
    const listed = (JSON.parse(ps.stdout) as { schemaVersion: number; sessions: { id: string; lab: string; kept: boolean; owner: string; machines: string[] }[] });
    assert.equal(listed.schemaVersion, 1);
    const mine = listed.sessions.find((s) => s.id === session);
    assert.deepEqual([mine?.lab, mine?.kept, mine?.owner], ['probe-lab', true, 'dead'], 'ps lists the kept session; its runner has exited');
    assert.ok(mine!.machines.includes(`lv-${session}-box`), mine!.machines.join(', '));
    const table = await cli(['ps']);
    assert.match(table.stdout, new RegExp(`^${session} +probe-lab +\\S+ +dead\\+kept +.*lv-${session}-box`, 'm'));
    const stop = await cli(['stop', session]);
    assert.equal(stop.code, 0, stop.stderr);
    assert.deepEqual(await labelled(docker, session), nothing);
  });

  test('run shared-kernel --solve --json: a container, a VM and the host; the VM reports its boot', async () => {
    const r = await cli(['run', 'shared-kernel', '--solve', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, true);
    const vm = out.machines.find((m: { name: string }) => m.name === 'vm');
    assert.equal(vm.kind, 'vm');
    assert.ok(vm.readyMs > 0);
    assert.ok(['kvm', 'hvf', 'whpx', 'tcg'].includes(vm.accel));
    assert.deepEqual(out.steps.map((s: { ok: boolean }) => s.ok), [true, true, true, true, true, true]);
    assert.deepEqual(await labelled(docker, out.session), nothing);
  });

  test('a runner with a VM killed with SIGKILL: gc removes the VM\'s runner container, QEMU with it', async () => {
    const victim = startCli(['run', 'shared-kernel']);
    try {
      const id = await waitForStderr(victim, /\(session ([a-z0-9]{8})\)/);
      await waitForStderr(victim, /runs until you press Ctrl-C/, 120_000);
      const qemu = (await docker.getContainer(`lv-${id}-vm`).inspect()).State.Pid;
      assert.ok(qemu && alive(qemu), 'the VM runs');
      victim.kill('SIGKILL');
      await victim.result;
      assert.ok(alive(qemu), 'QEMU outlived the killed runner: its runner container is the engine\'s');
      const gc = await cli(['gc']);
      assert.equal(gc.code, 0, gc.stderr);
      assert.match(gc.stdout, new RegExp(`session ${id} \\(shared-kernel`));
      await new Promise((res) => setTimeout(res, 200));
      assert.ok(!alive(qemu), 'gc removed the runner, QEMU with it');
      assert.deepEqual(await labelled(docker, id), nothing);
    } finally {
      victim.kill('SIGKILL');
      await victim.result;
    }
  });

  test('a lab from outside the bundle with a shell on your computer needs --trust', async () => {
    const refused = await cli(['run', fixture('trust-me'), '--solve']);
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /needs your trust[\s\S]*--trust/);
    const trusted = await cli(['run', fixture('trust-me'), '--solve', '--trust', '--json']);
    assert.equal(trusted.code, 0, trusted.stderr);
    assert.equal(JSON.parse(trusted.stdout).ok, true);
  });

  test('doctor reports the engine, where it runs, the base image, the VM runner image and the accelerator', async () => {
    const r = await cli(['doctor', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout);
    const byId = Object.fromEntries(report.checks.map((c: { id: string }) => [c.id, c]));
    assert.equal(byId.engine.status, 'ok');
    assert.match(byId['engine-location'].detail, /^(local|vm|remote):/);
    assert.equal(byId['base-image'].status, 'ok');
    // The VM runner image of the engine's CPU: present, or made from this machine's QEMU on first use.
    const runner = report.checks.find((c: { id: string }) => c.id.startsWith('runner:'));
    assert.ok(runner, JSON.stringify(report.checks.map((c: { id: string }) => c.id)));
    assert.match(runner.detail, /QEMU \d+\.\d+/);
    assert.match(byId.accelerator.detail, /^(kvm|hvf|whpx|tcg): /);
  });

  test('DOCKER_HOST is respected: the same lab runs through an explicit engine address', async () => {
    const r = await cli(['run', fixture('probe-lab'), '--trust', '--solve', '--json'], { DOCKER_HOST: engine.info!.target });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, new RegExp(`on ${engine.info!.target.replace(/[/.]/g, '\\$&')}`));
  });
});

test('an unreachable engine: one clear message, exit 1', async () => {
  const r = await cli(['run', 'labs/volume-backup', '--solve'], { DOCKER_HOST: 'unix:///tmp/labvisor-nowhere.sock' });
  assert.equal(r.code, 1);
  assert.match(r.stderr, /Cannot reach the Docker engine at unix:\/\/\/tmp\/labvisor-nowhere\.sock: no such socket \(ENOENT\)\.\nFix: /);
  assert.doesNotMatch(r.stderr, /at .*\.js:\d+/, 'no stack trace');
});
