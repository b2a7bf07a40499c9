import { test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { qemuArgs, RUNNER_PATHS, type VmLaunch } from '../../electron/engine/machines/vm/qemu-args.js';
import { parseHello } from '../../electron/engine/machines/vm/agent-client.js';
import { acceleratorPlan, readVerdict, recordVerdict } from '../../electron/engine/machines/vm/accelerator.js';

const launch: VmLaunch = { arch: 'x86_64', accel: 'tcg', memoryMb: 256, cpus: 1, hostname: 'vm1', ports: [80] };
const arg = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

test('a TCG microVM: legacy timers, the TSC frequency left for the runner to fill in, direct kernel boot from the runner, no defaults', () => {
  const args = qemuArgs(launch);
  assert.equal(arg(args, '-M'), 'microvm,accel=tcg,pit=on,pic=on,rtc=on');
  assert.ok(!args.includes('-cpu'), 'TCG keeps the default CPU model');
  assert.match(arg(args, '-append')!, /console=ttyS0 .*tsc_early_khz=@HOST_TSC_KHZ@ .*labvisor\.hostname=vm1/);
  for (const flag of ['-nodefaults', '-no-user-config', '-nographic']) assert.ok(args.includes(flag), flag);
  assert.ok(!args.includes('-no-reboot'), 'a reboot boots the guest again in the same QEMU');
  assert.equal(arg(args, '-kernel'), RUNNER_PATHS.kernel);
  assert.equal(arg(args, '-initrd'), RUNNER_PATHS.initrd);
});

test('KVM: host CPU, no legacy timers, no TSC hint', () => {
  const args = qemuArgs({ ...launch, accel: 'kvm' });
  assert.equal(arg(args, '-M'), 'microvm,accel=kvm,pit=off,pic=off,rtc=on');
  assert.equal(arg(args, '-cpu'), 'host');
  assert.doesNotMatch(arg(args, '-append')!, /tsc_early_khz/);
});

test('an aarch64 guest: the virt machine, a Cortex-A57 under TCG, its console on ttyAMA0', () => {
  const args = qemuArgs({ ...launch, arch: 'aarch64' });
  assert.equal(arg(args, '-M'), 'virt,accel=tcg');
  assert.equal(arg(args, '-cpu'), 'cortex-a57');
  assert.match(arg(args, '-append')!, /^console=ttyAMA0 /);
  assert.doesNotMatch(arg(args, '-append')!, /tsc_early_khz/);
});

test('the console is the runner\'s stdio, the agent a FIFO pair; guest ports on the runner\'s addresses, no route of QEMU\'s own', () => {
  const args = qemuArgs({ ...launch, ports: [22, 80] });
  assert.ok(args.includes('stdio,id=console,signal=off'));
  assert.equal(arg(args, '-serial'), 'chardev:console');
  assert.ok(args.includes('pipe,id=agent,path=/run/vm/agent'));
  assert.equal(RUNNER_PATHS.agentIn, '/run/vm/agent.in');
  // No restrict=on: the runner's network (internal unless trusted) is the guest's policy.
  assert.equal(arg(args, '-netdev'), 'user,id=net0,hostfwd=tcp::22-:22,hostfwd=tcp::80-:80');
  assert.equal(arg(qemuArgs({ ...launch, ports: [] }), '-netdev'), 'user,id=net0');
});

test('disks: a raw image in the runner\'s volume mount each, locked by QEMU, told apart by serial; where they go, on the kernel command line', () => {
  const args = qemuArgs({ ...launch, disks: [{ path: '/data' }, { path: '/srv/db' }] });
  const drives = args.filter((_, i) => args[i - 1] === '-drive');
  assert.deepEqual(drives, [
    'file=/disks/0/disk.img,format=raw,if=none,id=disk0,cache=writeback,discard=unmap',
    'file=/disks/1/disk.img,format=raw,if=none,id=disk1,cache=writeback,discard=unmap',
  ]);
  assert.ok(args.includes('virtio-blk-device,drive=disk1,serial=labvisor-disk1'));
  assert.match(arg(args, '-append')!, / labvisor\.disks=\/data,\/srv\/db$/);
  assert.doesNotMatch(arg(qemuArgs(launch), '-append')!, /labvisor\.disks/);
});

test('the agent hello line', () => {
  assert.deepEqual(parseHello('READY 2.77 6.1.0-56-cloud-amd64 1fea7d67-22f2-430a-8d30-f0526971104a'),
    { uptimeS: 2.77, kernel: '6.1.0-56-cloud-amd64', bootId: '1fea7d67-22f2-430a-8d30-f0526971104a' });
  assert.equal(parseHello('O abc 123'), undefined);
});

/** The engine's volumes, as far as verdicts use them. */
function fakeEngine(): Docker {
  const volumes = new Map<string, Record<string, string>>();
  return {
    getVolume: (name: string) => ({
      inspect: async () => {
        const labels = volumes.get(name);
        if (!labels) throw new Error('no such volume');
        return { Name: name, Labels: labels };
      },
    }),
    createVolume: async ({ Name, Labels }: { Name: string; Labels: Record<string, string> }) => {
      if (volumes.has(Name)) throw new Error('volume exists');
      volumes.set(Name, Labels);
    },
  } as unknown as Docker;
}

test('a hung KVM is remembered on the engine and the plan falls back to TCG, saying why; per runner build and engine kernel', async () => {
  const docker = fakeEngine();
  const key = { runnerImageId: 'sha256:aaa', engineKernel: '6.1.0' };
  assert.deepEqual((await acceleratorPlan(docker, key, true)).map((c) => [c.accel, c.reason]),
    [['kvm', 'kvm: not yet tried on this engine'], ['tcg', 'tcg: software emulation']]);
  await recordVerdict(docker, key, 'kvm', { ok: false, detail: 'hung in 10 s' });
  assert.deepEqual((await acceleratorPlan(docker, key, true)).map((c) => [c.accel, c.reason]), [['tcg', 'kvm: hung in 10 s; tcg: software emulation']]);
  assert.deepEqual(await readVerdict(docker, key, 'kvm'), { ok: false, detail: 'hung in 10 s' });
  assert.equal((await acceleratorPlan(docker, { ...key, engineKernel: '6.2.0' }, true)).length, 2, 'another engine kernel: tried again');
  assert.deepEqual((await acceleratorPlan(docker, key, false)).map((c) => c.accel), ['tcg'], 'no KVM for another CPU architecture');
});
