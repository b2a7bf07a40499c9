import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { qemuArgs, type VmLaunch } from '../../electron/engine/machines/vm/qemu-args.js';
import { probeSandbox, SANDBOX } from '../../electron/engine/machines/vm/qemu-binary.js';
import { parseHello } from '../../electron/engine/machines/vm/agent-client.js';
import { acceleratorPlan, recordVerdict } from '../../electron/engine/machines/vm/accelerator.js';

const launch: VmLaunch = {
  arch: 'x86_64', accel: 'tcg', kernel: '/k/vmlinuz', initrd: '/k/initrd.gz', memoryMb: 256, cpus: 1, hostname: 'vm1',
  qmpSocket: '/r/qmp.sock', consoleSocket: '/r/console.sock', agentSocket: '/r/agent.sock', pidfile: '/r/qemu.pid',
  ports: [{ guest: 80, host: 8080 }], outbound: false, sandbox: true, tscKhz: 2_000_000,
};
const arg = (args: string[], flag: string) => args[args.indexOf(flag) + 1];

test('a TCG microVM: legacy timers, the TSC frequency given, direct kernel boot, no defaults', () => {
  const args = qemuArgs(launch);
  assert.equal(arg(args, '-M'), 'microvm,accel=tcg,pit=on,pic=on,rtc=on');
  assert.ok(!args.includes('-cpu'), 'TCG keeps the default CPU model');
  assert.match(arg(args, '-append')!, /console=ttyS0 .*tsc_early_khz=2000000 .*labvisor\.hostname=vm1/);
  for (const flag of ['-nodefaults', '-no-user-config', '-nographic', '-no-reboot']) assert.ok(args.includes(flag), flag);
  assert.equal(arg(args, '-kernel'), '/k/vmlinuz');
  assert.equal(arg(args, '-initrd'), '/k/initrd.gz');
  assert.equal(arg(args, '-qmp'), 'unix:/r/qmp.sock,server=on,wait=off');
  assert.equal(arg(args, '-pidfile'), '/r/qemu.pid');
});

test('KVM: host CPU, no legacy timers, no TSC hint', () => {
  const args = qemuArgs({ ...launch, accel: 'kvm' });
  assert.equal(arg(args, '-M'), 'microvm,accel=kvm,pit=off,pic=off,rtc=on');
  assert.equal(arg(args, '-cpu'), 'host');
  assert.doesNotMatch(arg(args, '-append')!, /tsc_early_khz/);
});

test('port forwards bind 127.0.0.1 only; the console and the agent are separate sockets', () => {
  const args = qemuArgs(launch);
  assert.equal(arg(args, '-netdev'), 'user,id=net0,restrict=on,hostfwd=tcp:127.0.0.1:8080-:80');
  assert.ok(args.includes('socket,id=console,path=/r/console.sock,server=on,wait=off'));
  assert.ok(args.includes('socket,id=agent,path=/r/agent.sock,server=on,wait=off'));
  assert.equal(arg(args, '-serial'), 'chardev:console');
});

test('a guest not trusted for outbound is restricted, its port forwards kept; a trusted one is not', () => {
  assert.equal(arg(qemuArgs({ ...launch, ports: [] }), '-netdev'), 'user,id=net0,restrict=on');
  assert.equal(arg(qemuArgs({ ...launch, outbound: true }), '-netdev'), 'user,id=net0,restrict=off,hostfwd=tcp:127.0.0.1:8080-:80');
  assert.equal(arg(qemuArgs({ ...launch, outbound: true, ports: [{ guest: 22, host: 2222 }, { guest: 80, host: 8080 }] }), '-netdev'),
    'user,id=net0,restrict=off,hostfwd=tcp:127.0.0.1:2222-:22,hostfwd=tcp:127.0.0.1:8080-:80');
});

test('the seccomp sandbox when QEMU installs it, no -sandbox when it cannot', () => {
  assert.equal(arg(qemuArgs(launch), '-sandbox'), 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny');
  assert.equal(SANDBOX, 'on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny');
  assert.ok(!qemuArgs({ ...launch, sandbox: false }).includes('-sandbox'));
});

test('the sandbox probe: yes only when QEMU answers the quit over QMP', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'labvisor-fakeqemu-'));
  const fake = (name: string, body: string) => {
    const path = join(dir, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  };
  // What QEMU without seccomp says; one that installs the filter and quits; one that hangs.
  assert.equal(await probeSandbox(fake('no-seccomp', 'echo "-sandbox support is not enabled in this QEMU binary" >&2; exit 1')), false);
  assert.equal(await probeSandbox(fake('seccomp', 'case "$*" in *"-sandbox on,obsolete=deny"*) ;; *) exit 1;; esac; cat >/dev/null; echo \'{"return": {}}\'')), true);
  const began = Date.now();
  assert.equal(await probeSandbox(fake('hangs', 'exec sleep 30'), 300), false);
  assert.ok(Date.now() - began < 5000);
  assert.equal(await probeSandbox(join(dir, 'absent')), false);
});

test('the agent hello line', () => {
  assert.deepEqual(parseHello('READY 2.77 6.1.0-56-cloud-amd64 1fea7d67-22f2-430a-8d30-f0526971104a'),
    { uptimeS: 2.77, kernel: '6.1.0-56-cloud-amd64', bootId: '1fea7d67-22f2-430a-8d30-f0526971104a' });
  assert.equal(parseHello('O abc 123'), undefined);
});

test('a hung accelerator is remembered and the plan falls back to TCG, saying why', async () => {
  process.env.LABVISOR_DATA_DIR = mkdtempSync(join(tmpdir(), 'labvisor-accel-'));
  const before = await acceleratorPlan('9.9.9');
  assert.equal(before.at(-1)!.accel, 'tcg');
  await recordVerdict('9.9.9', 'kvm', false, 'hung in 10 s');
  const after = await acceleratorPlan('9.9.9');
  assert.deepEqual(after.map((c) => c.accel), ['tcg']);
  if (before.length > 1) assert.equal(after[0]!.reason, 'kvm: present, hung in 10 s; using tcg');
  assert.equal((await acceleratorPlan('10.0.0')).length, before.length, 'verdicts are per QEMU version');
});
