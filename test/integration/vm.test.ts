// VM machines for real: a QEMU microVM made from labvisor/base, under whatever accelerator
// works here (TCG when KVM hangs), its own kernel, the agent, resize, stop, and nothing left.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBaseImage, BASE_IMAGE } from '../../electron/engine/images/base-image.js';
import { ensureGuestKernel } from '../../electron/engine/images/guest-kernel.js';
import { buildGuestInitramfs } from '../../electron/engine/images/guest-initramfs.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { findQemu, type QemuBinary } from '../../electron/engine/machines/vm/qemu-binary.js';
import { VmMachine } from '../../electron/engine/machines/vm/vm-machine.js';
import { readVmRecords } from '../../electron/engine/machines/vm/vm-records.js';
import { acceleratorPlan, hardwareAccelerators, probeAccelerator } from '../../electron/engine/machines/vm/accelerator.js';
import { loadLab } from '../../electron/engine/labs/load.js';
import { LabSession } from '../../electron/engine/sessions/lab-session.js';
import { engineOrSkip, fixture, labelled, nothing } from './support.js';

const engine = await engineOrSkip();
const qemu = await findQemu().catch((err: Error) => {
  if (process.env.CI) throw new Error(`VM tests need QEMU in CI: ${err.message}`);
  return undefined;
});
const skip = engine.skip || (!qemu && 'no QEMU on PATH');

/** QEMU processes on this machine (by /proc), to prove none is left behind. */
function qemuPids(): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').startsWith(qemu!.path); } catch { return false; }
  }).map(Number);
}

describe('a VM from labvisor/base', { skip }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;
  let vm: VmMachine;

  before(async () => {
    await ensureBaseImage(docker, info);
    const kernel = await ensureGuestKernel(docker, info);
    const initrd = await buildGuestInitramfs(docker, BASE_IMAGE, kernel);
    vm = await VmMachine.start({
      session: 'vmtest00', machine: 'vm', qemu: qemu as QemuBinary, kernel: kernel.vmlinuz, initrd,
      memoryMb: 192, cpus: 1, hostname: 'guest-one', ports: [], outbound: false,
    });
  });
  after(async () => { await vm?.stop(); });

  test('boots its own kernel: a boot id that is not the host\'s, the hostname it was given', async () => {
    const hostBootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    assert.notEqual(vm.hello.bootId, hostBootId);
    const r = await vm.runScript('cat /proc/sys/kernel/random/boot_id; hostname; cat /proc/1/cmdline | tr "\\0" " "', { timeoutMs: 10_000 });
    assert.equal(r.exitCode, 0, r.output);
    const [bootId, hostname, init] = r.output.trim().split('\n');
    assert.equal(bootId, vm.hello.bootId);
    assert.equal(hostname, 'guest-one');
    assert.match(init!, /\/init/);
    assert.ok(['kvm', 'hvf', 'whpx', 'tcg'].includes(vm.timeline.accel));
    assert.ok(vm.timeline.processMs <= vm.timeline.kernelMs && vm.timeline.kernelMs <= vm.timeline.initMs && vm.timeline.initMs <= vm.timeline.shellMs, JSON.stringify(vm.timeline));
  });

  test('scripts: exit codes, output, environment, and a timeout that kills what they started', async () => {
    const r = await vm.runScript('echo "$GREETING"; echo oops >&2; exit 7', { timeoutMs: 10_000, env: { GREETING: "it's me" } });
    assert.deepEqual([r.exitCode, r.output], [7, "it's me\noops\n"]);
    const slow = await vm.runScript('sleep 4343', { timeoutMs: 800 });
    assert.equal(slow.timedOut, true);
    await new Promise((res) => setTimeout(res, 500));
    const ps = await vm.runScript('ps -o args | grep -c "^sleep 4343" || true', { timeoutMs: 10_000 });
    assert.equal(ps.output.trim(), '0');
    const big = await vm.runScript('head -c 20000 /dev/zero | tr "\\0" x', { timeoutMs: 20_000 });
    assert.equal(big.output.length, 20000, 'long output crosses the agent intact');
  });

  test('the console follows a resize (stty size on ttyS0)', async () => {
    vm.resize(33, 101);
    await new Promise((res) => setTimeout(res, 300));
    const r = await vm.runScript('stty -F /dev/ttyS0 size', { timeoutMs: 10_000 });
    assert.equal(r.output.trim(), '33 101');
  });

  test('the host sees one QEMU process for the whole VM', () => {
    assert.ok(qemuPids().includes(vm.pid));
  });

  test('stop leaves no QEMU process', async () => {
    const pid = vm.pid;
    await vm.stop();
    assert.ok(!qemuPids().includes(pid));
  });
});

describe('a VM that cannot boot', { skip }, () => {
  test('a kernel panic ends QEMU; the error names the machine and shows the last console lines; nothing is left', async () => {
    const docker = engine.docker as Docker;
    const kernel = await ensureGuestKernel(docker, engine.info as EngineInfo);
    const junk = join(mkdtempSync(join(tmpdir(), 'lv-junk-')), 'initrd.gz');
    writeFileSync(junk, 'this is not an initramfs');
    await assert.rejects(VmMachine.start({
      session: 'vmtest01', machine: 'broken', qemu: qemu as QemuBinary, kernel: kernel.vmlinuz, initrd: junk,
      memoryMb: 128, cpus: 1, hostname: 'broken', ports: [], outbound: false,
    }), /while booting "broken"[\s\S]*Last console lines:[\s\S]*(Kernel panic|VFS)/);
    assert.equal((await readVmRecords()).filter((r) => r.session === 'vmtest01').length, 0);
  });
});

describe('the accelerator probe', { skip }, () => {
  test('a hardware accelerator is judged by booting a kernel; the verdict decides the plan', async (t) => {
    const [hw] = await hardwareAccelerators();
    if (!hw) return t.skip('no hardware accelerator on this machine: TCG is the only choice');
    const kernel = await ensureGuestKernel(engine.docker as Docker, engine.info as EngineInfo);
    const verdict = await probeAccelerator(qemu as QemuBinary, hw.accel, kernel.vmlinuz);
    const plan = await acceleratorPlan((qemu as QemuBinary).version);
    if (verdict.ok) assert.equal(plan[0]!.accel, hw.accel);
    else {
      // Nested KVM hangs; elsewhere QEMU aborts at once (an MSR it cannot set): either way TCG, with the reason.
      assert.match(verdict.detail, /^(hung in 10 s|failed \(.+\))$/);
      assert.deepEqual(plan.map((c) => [c.accel, c.reason]), [['tcg', `${hw.accel}: present, ${verdict.detail}; using tcg`]]);
    }
  });
});

describe('a lab with a VM', { skip }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;

  test('without QEMU the VM is unavailable, with the reason, while the container runs', async () => {
    const session = new LabSession(docker, info, await loadLab(fixture('vm-lab')));
    const path = process.env.PATH;
    process.env.PATH = '/nonexistent';
    try {
      await session.start();
    } finally {
      process.env.PATH = path;
    }
    try {
      const vm = session.machines.find((m) => m.name === 'vm')!;
      assert.match(vm.unavailable ?? '', /qemu-system-\w+ was not found on PATH/);
      const check = await session.check('own-kernel');
      assert.equal(check.ok, false);
      assert.ok(check.messages.some((m) => /machine "vm" is unavailable/.test(m)), check.messages.join('|'));
      assert.equal((await session.runScript('box', 'echo up', 5000)).output, 'up\n');
    } finally {
      await session.stop();
    }
    assert.deepEqual(await labelled(docker, session.id), nothing);
  });

  test('the container shares the host\'s boot id, the VM has its own; stop leaves no QEMU', async () => {
    const session = new LabSession(docker, info, await loadLab(fixture('vm-lab')));
    await session.start();
    let pid = 0;
    try {
      const vm = session.machines.find((m) => m.name === 'vm')!;
      assert.ok(vm.boot && vm.readyMs > 0, JSON.stringify(vm));
      pid = (await readVmRecords()).find((r) => r.session === session.id)!.pid;
      assert.ok(qemuPids().includes(pid));
      const check = await session.check('own-kernel');
      assert.deepEqual(check, { ok: true, messages: [] });
    } finally {
      await session.stop();
    }
    assert.ok(!qemuPids().includes(pid));
    assert.equal((await readVmRecords()).filter((r) => r.session === session.id).length, 0);
  });
});
