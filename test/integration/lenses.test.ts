// The lenses on a real kept lab (shared-kernel: a container, a QEMU VM, the host), through the
// CLI as scripts use them: the container's init is the host PID docker inspect reports and
// belongs to the container; the VM is one QEMU process and none of its guest's processes show
// up on the host; the kernels split into "shares the host's" and "own"; the footprint has the
// start phases and memory of both. The engine host's table read through the --pid=host helper
// (the Docker Desktop / remote path) agrees with /proc read here, and a client apart from the
// engine (its own PID namespace: no host /proc in sight) gets the same host through the engine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { recordAccess } from '../../electron/engine/lenses/machine-access.js';
import { processLens } from '../../electron/engine/lenses/process-lens.js';
import type { FootprintLens, KernelLens, ProcessLens } from '../../electron/shared/api.js';
import { readFileSync } from 'node:fs';
import { cli, cliApart, engineOrSkip, labelled, nothing, vmSkip } from './support.js';

const engine = await engineOrSkip();
const vms = await vmSkip(engine, 'lens tests');
const skip = engine.skip || vms;

async function lensJson<T>(...args: string[]): Promise<T> {
  return lensJsonBy(cli, ...args);
}

async function lensJsonBy<T>(by: typeof cli, ...args: string[]): Promise<T> {
  const r = await by(['lens', ...args, '--json']);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as T;
}

describe('lenses on a kept lab', { skip }, () => {
  const docker = engine.docker as Docker;
  let session: string;
  let qemuPid: number;

  before(async () => {
    const r = await cli(['run', 'shared-kernel', '--keep']);
    assert.equal(r.code, 0, r.stderr);
    session = /Session ([a-z0-9]{8}) keeps running/.exec(r.stderr)![1]!;
    qemuPid = (await docker.getContainer(`lv-${session}-vm`).inspect()).State.Pid;
    // A process of the guest kernel that must not appear among the host's.
    const started = await recordAccess(docker)(session, 'vm', 'vm', 'sleep 4343 >/dev/null 2>&1 &');
    assert.notEqual(started, undefined, 'the VM agent answers a process outside the runner');
  });

  after(async () => {
    if (!session) return;
    assert.equal((await cli(['stop', session])).code, 0);
    assert.deepEqual(await labelled(docker, session), nothing);
  });

  test('processes: the container init has docker inspect\'s PID and owner container; the VM is its QEMU process only', async () => {
    const lens = await lensJson<ProcessLens>('processes', '--session', session);
    const initPid = (await docker.getContainer(`lv-${session}-box`).inspect()).State.Pid;
    const init = lens.processes.find((p) => p.pid === initPid);
    assert.ok(init, `no process ${initPid} in the lens`);
    assert.deepEqual(init.owner, { kind: 'container', name: `lv-${session}-box`, session, machine: 'box' });
    assert.equal(init.nspid, 1, 'PID 1 inside its namespace');
    const box = lens.owners.find((o) => o.name === `lv-${session}-box`)!;
    assert.equal(box.initPid, initPid);

    const vmProcs = lens.processes.filter((p) => p.owner.kind === 'vm');
    assert.deepEqual(vmProcs.map((p) => p.pid), [qemuPid]);
    assert.match(vmProcs[0]!.command, /qemu-system/);
    const vm = lens.owners.find((o) => o.kind === 'vm')!;
    assert.ok((vm.guestProcesses ?? 0) > 5, `the guest's own processes, counted by its agent: ${vm.guestProcesses}`);
    assert.equal(lens.processes.some((p) => /sleep 4343/.test(p.command)), false, 'the guest\'s sleep is not a host process');
    assert.ok(lens.processes.some((p) => p.owner.kind === 'host' && p.pid === process.pid), 'this test runner is a host process');
  });

  test('processes through the --pid=host helper agree with what the engine reports', async () => {
    const viaHelper = await processLens(docker, { session });
    const initPid = (await docker.getContainer(`lv-${session}-box`).inspect()).State.Pid;
    assert.equal(viaHelper.owners.find((o) => o.kind === 'container')?.initPid, initPid);
    assert.deepEqual(viaHelper.processes.filter((p) => p.owner.kind === 'vm').map((p) => p.pid), [qemuPid]);
  });

  test('kernels: the container with the host, the VM apart', async () => {
    const { machines } = await lensJson<KernelLens>('kernels', '--session', session);
    const host = machines.find((m) => m.kind === 'host')!;
    const box = machines.find((m) => m.name === `lv-${session}-box`)!;
    const vm = machines.find((m) => m.name === `lv-${session}-vm`)!;
    assert.equal(box.sharesHostKernel, true);
    assert.equal(box.kernel, host.kernel);
    assert.equal(box.bootId, host.bootId);
    assert.equal(vm.sharesHostKernel, false);
    assert.notEqual(vm.bootId, host.bootId);
    assert.ok(vm.uptimeS! < host.uptimeS!, 'the VM booted after the host');
    assert.equal(vm.hostname, 'vm');
  });

  test('with the client apart from the engine, processes and kernels read the same Docker host through the engine', async () => {
    const procs = await lensJsonBy<ProcessLens>(cliApart, 'processes', '--session', session);
    const initPid = (await docker.getContainer(`lv-${session}-box`).inspect()).State.Pid;
    assert.equal(procs.owners.find((o) => o.name === `lv-${session}-box`)?.initPid, initPid, 'the container\'s init by its PID on the Docker host');
    assert.deepEqual(procs.processes.filter((p) => p.owner.kind === 'vm').map((p) => p.pid), [qemuPid]);
    assert.ok(procs.processes.some((p) => p.owner.kind === 'host' && p.pid === process.pid), 'this test runner, which the apart client cannot see itself');
    const { machines } = await lensJsonBy<KernelLens>(cliApart, 'kernels', '--session', session);
    const host = machines.find((m) => m.kind === 'host')!;
    assert.equal(host.bootId, readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(), 'the engine host\'s boot id');
    assert.equal(machines.find((m) => m.name === `lv-${session}-box`)?.sharesHostKernel, true);
    assert.equal(machines.find((m) => m.name === `lv-${session}-vm`)?.sharesHostKernel, false);
  });

  test('footprint: start phases and memory per machine, kept per run', async () => {
    const { runs } = await lensJson<FootprintLens>('footprint', '--session', session);
    assert.equal(runs.length, 1);
    const [run] = runs;
    assert.equal(run!.lab, 'shared-kernel');
    const box = run!.machines.find((m) => m.name === 'box')!;
    const vm = run!.machines.find((m) => m.name === 'vm')!;
    assert.deepEqual(box.phases.map((p) => p.phase), ['created', 'running']);
    assert.deepEqual(vm.phases.map((p) => p.phase), ['guest kernel and initramfs', 'QEMU up', 'kernel started', 'init ran', 'shell prompt']);
    assert.ok(vm.phases.every((p, i) => i === 0 || p.atMs >= vm.phases[i - 1]!.atMs), 'phases in order');
    const sample = run!.samples.at(-1)!;
    assert.ok(sample.memKb.box! > 0 && sample.memKb.vm! > 0, JSON.stringify(sample));
    assert.ok(sample.memKb.vm! > sample.memKb.box!, 'a VM holds a whole guest in memory; a container only its processes');
  });
});
