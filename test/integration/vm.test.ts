// VM machines for real: QEMU in a runner container on the engine, booting a microVM made from
// labvisor/base under whatever accelerator works there (TCG when KVM is missing or hangs): its
// own kernel, the agent, resize, one QEMU process on the Docker host, stop, and nothing left.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureBaseImage, BASE_IMAGE } from '../../electron/engine/images/base-image.js';
import { ensureGuestKernel, type GuestKernel } from '../../electron/engine/images/guest-kernel.js';
import { buildGuestInitramfs } from '../../electron/engine/images/guest-initramfs.js';
import { ensureQemuImage } from '../../electron/engine/images/qemu-image.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { ensureBootImage } from '../../electron/engine/images/vm-boot-image.js';
import { VmMachine } from '../../electron/engine/machines/vm/vm-machine.js';
import type { VmSpec } from '../../electron/engine/machines/vm/vm-spec.js';
import { readVerdict } from '../../electron/engine/machines/vm/accelerator.js';
import { labelsFor } from '../../electron/engine/labels.js';
import { loadLab } from '../../electron/engine/labs/load.js';
import { LabSession } from '../../electron/engine/sessions/lab-session.js';
import { engineOrSkip, fixture, labelled, nothing } from './support.js';

const engine = await engineOrSkip();
const skip = engine.skip;

/** A VM of its own session: a labelled internal network, the runner, the guest made from labvisor/base. */
async function vmSpec(docker: Docker, info: EngineInfo, session: string, kernel: GuestKernel, initrd: string, extra: Partial<VmSpec> = {}): Promise<VmSpec> {
  const network = `lv-${session}`;
  const runnerImage = (await ensureQemuImage(docker, info)).ref;
  await docker.createNetwork({ Name: network, Internal: true, Labels: labelsFor('vm-test', session, 'network') }).catch(() => {});
  return {
    session, machine: 'vm', container: `lv-${session}-vm`, arch: 'x86_64', sameArch: true,
    runnerImage, bootImage: await ensureBootImage(docker, { runner: runnerImage, kernel, initrd }),
    memoryMb: 192, cpus: 1, hostname: 'guest-one', ports: [], network, labels: labelsFor('vm-test', session, 'machine'),
    engineKernel: info.kernel, ...extra,
  };
}

/** The processes of a runner container, as the Docker host lists them. */
async function runnerProcesses(docker: Docker, container: string): Promise<string[][]> {
  const top = await docker.getContainer(container).top({ ps_args: '-o pid,args' }) as { Processes: string[][] };
  return top.Processes;
}

async function removeSession(docker: Docker, session: string): Promise<void> {
  const { containers, networks } = await labelled(docker, session);
  for (const c of containers) await docker.getContainer(c.replace(/^\//, '')).remove({ force: true }).catch(() => {});
  for (const n of networks) await docker.getNetwork(n).remove().catch(() => {});
}

describe('a VM from labvisor/base', { skip }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;
  let vm: VmMachine;

  before(async () => {
    await ensureBaseImage(docker, info);
    const kernel = await ensureGuestKernel(docker, info);
    const initrd = await buildGuestInitramfs(docker, BASE_IMAGE, kernel);
    vm = await VmMachine.start(docker, await vmSpec(docker, info, 'vmtest00', kernel, initrd));
  });
  after(async () => {
    await vm?.stop();
    await removeSession(docker, 'vmtest00');
    assert.deepEqual(await labelled(docker, 'vmtest00'), nothing);
  });

  test('boots its own kernel: a boot id that is not the Docker host\'s, the hostname it was given', async () => {
    const c = await docker.createContainer({ Image: BASE_IMAGE, Cmd: ['cat', '/proc/sys/kernel/random/boot_id'], Labels: labelsFor('vm-test', 'vmtest00', 'helper') });
    await c.start();
    await c.wait();
    const hostBootId = (await c.logs({ stdout: true })).toString('latin1').replace(/^[\s\S]{8}/, '').trim();
    await c.remove({ force: true });
    assert.match(hostBootId, /^[0-9a-f-]{36}$/);
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

  test('the Docker host sees one QEMU process for the whole VM, in its runner', async () => {
    const qemus = (await runnerProcesses(docker, 'lv-vmtest00-vm')).filter((p) => /^qemu-system/.test(p[1]!));
    assert.deepEqual(qemus.map((p) => Number(p[0])), [vm.pid]);
  });

  test('KVM was tried once on this engine, and its verdict is kept there', async () => {
    const id = (await docker.getImage((await ensureQemuImage(docker, info)).ref).inspect()).Id;
    const verdict = await readVerdict(docker, { runnerImageId: id, engineKernel: info.kernel }, 'kvm');
    assert.ok(verdict, 'a verdict on the engine');
    assert.equal(vm.timeline.accel, verdict.ok ? 'kvm' : 'tcg');
  });

  test('stop removes the runner, QEMU with it', async () => {
    await vm.stop();
    await assert.rejects(docker.getContainer('lv-vmtest00-vm').inspect(), /no such container/i);
  });
});

describe('a VM with a disk', { skip }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;
  const session = 'vmtest02';
  const volume = `lv-${session}-data`;
  let vm: VmMachine | undefined;

  before(async () => {
    await ensureBaseImage(docker, info);
    const kernel = await ensureGuestKernel(docker, info);
    const initrd = await buildGuestInitramfs(docker, BASE_IMAGE, kernel);
    await docker.createVolume({ Name: volume, Labels: labelsFor('vm-test', session, 'volume') });
    vm = await VmMachine.start(docker, await vmSpec(docker, info, session, kernel, initrd, {
      disks: [{ volume, path: '/data', sizeMb: 64 }],
    }));
  });
  after(async () => {
    await vm?.stop();
    await removeSession(docker, session);
    await docker.getVolume(volume).remove().catch(() => {});
    assert.deepEqual(await labelled(docker, session), nothing);
  });

  test('made on first boot: an ext4 file system of the size asked for, mounted where asked, on a sparse image in the volume', async () => {
    const r = await vm!.runScript('grep " /data " /proc/mounts; df -m /data | tail -n 1', { timeoutMs: 10_000 });
    assert.match(r.output, /^\/dev\/vd[a-z] \/data ext4 rw/m, r.output);
    const sizeMb = Number(r.output.trim().split('\n').pop()!.split(/\s+/)[1]);
    assert.ok(sizeMb > 48 && sizeMb <= 64, r.output);
  });

  test('a reboot in the guest boots its kernel again in the same QEMU: a new boot id, /tmp gone, the disk\'s files kept; poweroff ends the runner', async () => {
    const before = await vm!.runScript('echo kept > /data/note; echo lost > /tmp/note; cat /proc/sys/kernel/random/boot_id', { timeoutMs: 10_000 });
    const firstBoot = before.output.trim();
    await vm!.runScript('(sleep 0.3; reboot) >/dev/null 2>&1 &', { timeoutMs: 10_000 });
    // Scripts sent while the guest reboots are lost with its agent: ask until the new one answers.
    let bootId = firstBoot;
    let after = '';
    const until = Date.now() + 90_000;
    while (bootId === firstBoot && Date.now() < until) {
      const r = await vm!.runScript('cat /proc/sys/kernel/random/boot_id; cat /data/note; cat /tmp/note 2>&1', { timeoutMs: 3000 });
      if (r.exitCode !== 124) [bootId, after] = [r.output.split('\n')[0]!, r.output];
    }
    assert.notEqual(bootId, firstBoot, 'a new boot');
    const [, kept, lost] = after.trim().split('\n');
    assert.equal(kept, 'kept');
    assert.match(lost!, /No such file/);
    const qemus = (await runnerProcesses(docker, `lv-${session}-vm`)).filter((p) => /^qemu-system/.test(p[1]!));
    assert.deepEqual(qemus.map((p) => Number(p[0])), [vm!.pid], 'the same QEMU, still the runner\'s first process');
    assert.equal(vm!.stopped, undefined);

    await vm!.runScript('(sleep 0.3; poweroff) >/dev/null 2>&1 &', { timeoutMs: 10_000 });
    assert.match(await vm!.ended ?? '', /code 0\): the guest powered off/);
  });

  test('the image stays in the volume after the VM, sparse: it takes what was written, not its size', async () => {
    const c = await docker.createContainer({
      Image: BASE_IMAGE, Cmd: ['sh', '-c', 'ls -l /d/disk.img | awk "{ print \\$5 }"; du -k /d/disk.img | cut -f1'],
      Labels: labelsFor('vm-test', session, 'helper'), HostConfig: { Mounts: [{ Type: 'volume', Source: volume, Target: '/d' }] },
    });
    await c.start();
    await c.wait();
    const out = (await c.logs({ stdout: true })).toString('latin1').split('\n').map((l) => l.slice(8).trim());
    await c.remove({ force: true });
    assert.equal(Number(out[0]), 64 * 1024 * 1024);
    assert.ok(Number(out[1]) < 32 * 1024, `du says ${out[1]} KiB`);
  });
});

describe('a VM that cannot boot', { skip }, () => {
  test('a kernel panic ends QEMU; the error names the machine and shows the last console lines; nothing is left', async () => {
    const docker = engine.docker as Docker;
    const kernel = await ensureGuestKernel(docker, engine.info as EngineInfo);
    const junk = join(mkdtempSync(join(tmpdir(), 'lv-junk-')), 'initrd.gz');
    writeFileSync(junk, 'this is not an initramfs');
    const spec = await vmSpec(docker, engine.info as EngineInfo, 'vmtest01', kernel, junk, { machine: 'broken', container: 'lv-vmtest01-broken', memoryMb: 128 });
    try {
      await assert.rejects(VmMachine.start(docker, spec), /while booting "broken"[\s\S]*Last console lines:[\s\S]*(Kernel panic|VFS)/);
      assert.deepEqual((await labelled(docker, 'vmtest01')).containers, [], 'no runner left');
    } finally {
      await removeSession(docker, 'vmtest01');
      await docker.getImage(spec.bootImage).remove();
    }
  });
});

describe('a lab with a VM', { skip }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;

  test('the container shares the Docker host\'s boot id, the VM has its own and reaches the container by name; stop leaves nothing', async () => {
    const session = new LabSession(docker, info, await loadLab(fixture('vm-lab')));
    await session.start();
    try {
      const vm = session.machines.find((m) => m.name === 'vm')!;
      assert.ok(vm.boot && vm.readyMs > 0, JSON.stringify(vm));
      assert.equal((await runnerProcesses(docker, `lv-${session.id}-vm`)).filter((p) => /^qemu-system/.test(p[1]!)).length, 1);
      const check = await session.check('own-kernel');
      assert.deepEqual(check, { ok: true, messages: [] });
      // The VM is on the lab's network: it reaches the container by its machine name.
      const ping = await session.runScript('vm', 'ping -c 1 -W 3 box >/dev/null && echo reaches-box', 20_000);
      assert.equal(ping.output, 'reaches-box\n');
    } finally {
      await session.stop();
    }
    assert.deepEqual(await labelled(docker, session.id), nothing, 'the runner went with the session');
  });
});

describe('an aarch64 guest on this engine (LABVISOR_VM_ARCH=aarch64), under TCG', { skip }, () => {
  test('made from the arm64 base image with Debian\'s arm64 kernel: its console says aarch64, a check runs through its agent, it stops cleanly', async () => {
    const docker = engine.docker as Docker;
    const saved = process.env.LABVISOR_VM_ARCH;
    process.env.LABVISOR_VM_ARCH = 'aarch64';
    const session = new LabSession(docker, engine.info as EngineInfo, await loadLab(fixture('vm-lab')));
    try {
      await session.start();
      const vm = session.machines.find((m) => m.name === 'vm')!;
      assert.equal(vm.unavailable, undefined);
      assert.equal(vm.boot?.accel, 'tcg');
      const term = await session.openTerminal('vm', 100, 30);
      let text = '';
      term.attach((f) => { if (f.type === 'data') text += Buffer.from(f.data).toString(); });
      term.input('uname -m\r');
      const until = Date.now() + 20_000;
      while (!/^aarch64\r?$/m.test(text) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
      assert.match(text, /^aarch64\r?$/m, text.slice(-500));
      assert.deepEqual(await session.check('own-kernel'), { ok: true, messages: [] });
    } finally {
      if (saved === undefined) delete process.env.LABVISOR_VM_ARCH; else process.env.LABVISOR_VM_ARCH = saved;
      await session.stop();
    }
    assert.deepEqual(await labelled(docker, session.id), nothing);
  });
});
