// The VM runner image (labvisor/qemu) and the aarch64 guest's images, for real, with plain
// containers and no Labvisor VM code: the runner made offline from this machine's QEMU (on a
// throwaway tag) boots an x86_64 and an aarch64 guest under TCG inside a container with no
// network, no capabilities and the default seccomp profile. Kernel and initramfs go in through
// the archive API, never a bind mount. Throwaway tags and repos throughout; the real
// labvisor/kernel is only read (or, when absent, made as the app would make it).
import { after, before, describe, test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack } from 'tar-stream';
import { BASE_IMAGE, ensureBaseImage } from '../../electron/engine/images/base-image.js';
import { asNodeStream } from '../../electron/engine/images/build-image.js';
import { NewcWriter } from '../../electron/engine/images/cpio-newc.js';
import { isArch } from '../../electron/engine/images/guest-arch.js';
import { ensureGuestBaseImage } from '../../electron/engine/images/guest-base-image.js';
import { ensureGuestKernel, KERNEL_REPO, type GuestKernel } from '../../electron/engine/images/guest-kernel.js';
import { newestKernelImage } from '../../electron/engine/images/kernel-images.js';
import { findGuestDeb, pickBusyboxDeb, pickKernelDeb } from '../../electron/engine/images/guest-packages.js';
import { readContainerFile, withCreatedContainer } from '../../electron/engine/images/image-files.js';
import { ensureQemuImage, inspectQemuImage, QemuImageUnavailableError } from '../../electron/engine/images/qemu-image.js';
import { findLocalQemu } from '../../electron/engine/images/local-qemu.js';
import { helperLabels } from '../../electron/engine/labels.js';
import { joinLogFrames } from '../../electron/engine/machines/container-logs.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { engineOrSkip, withEnv } from './support.js';

const engine = await engineOrSkip();


/** A missing piece: in CI (CI=true) the test fails saying what to install; elsewhere it is skipped with the reason. */
function need(t: TestContext, ok: unknown, what: string): boolean {
  if (ok) return true;
  if (process.env.CI) assert.fail(`${what} (run: sudo bash scripts/provision-debian.sh)`);
  t.skip(what);
  return false;
}

/** The guest's init: loads the guest modules in order, says what it is, powers off. */
const INIT = (modules: string[]) => `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sysfs /sys
for m in ${modules.map((m) => `/modules/${m.slice(m.lastIndexOf('/') + 1)}`).join(' ')}; do /bin/busybox insmod "$m" || echo "INSMOD-FAILED $m"; done
echo "LABVISOR-BOOTED $(/bin/busybox uname -m) net: $(/bin/busybox ls /sys/class/net | /bin/busybox tr '\\n' ' ')"
echo "LABVISOR-UPTIME $(/bin/busybox cut -d' ' -f1 /proc/uptime)"
/bin/busybox poweroff -f
`;

/** A gzip'd newc initramfs: a busybox, the guest's modules and the init above. */
async function initramfs(dir: string, busybox: Buffer, kernel: GuestKernel, modules: string[]): Promise<Buffer> {
  const path = join(dir, `initrd-${kernel.arch}.cpio`);
  const w = new NewcWriter(path);
  for (const d of ['bin', 'proc', 'sys', 'modules']) await w.add({ name: d, type: 'directory', mode: 0o755 });
  await w.add({ name: 'bin/busybox', type: 'file', mode: 0o755 }, busybox);
  for (const m of modules) {
    await w.add({ name: `modules/${m.slice(m.lastIndexOf('/') + 1)}`, type: 'file', mode: 0o644 }, await readFile(join(kernel.modulesDir, m)));
  }
  await w.add({ name: 'init', type: 'file', mode: 0o755 }, Buffer.from(INIT(modules)));
  await w.finish();
  return gzipSync(await readFile(path));
}

interface Boot { output: string; exitCode: number; createMs: number; copyMs: number; startToExitMs: number }

/**
 * docker run of the runner with `cmd` (through its entry point) in a plain container: no
 * network, every capability dropped, no-new-privileges, the default seccomp profile. /vm gets
 * the kernel and initramfs through the archive API between create and start.
 */
async function bootInRunner(docker: Docker, image: string, cmd: string[], files: Record<string, Buffer>, timeoutMs = 120_000): Promise<Boot> {
  const t0 = performance.now();
  const c = await docker.createContainer({
    Image: image, Cmd: cmd, Labels: helperLabels(),
    HostConfig: { NetworkMode: 'none', CapDrop: ['ALL'], SecurityOpt: ['no-new-privileges'], Memory: 512 * 1024 * 1024, MemorySwap: 512 * 1024 * 1024 },
  });
  try {
    const t1 = performance.now();
    const tar = pack();
    tar.entry({ name: 'vm', type: 'directory', mode: 0o755 });
    for (const [name, data] of Object.entries(files)) tar.entry({ name: `vm/${name}`, mode: 0o644 }, data);
    tar.finalize();
    await c.putArchive(asNodeStream(tar), { path: '/' });
    const t2 = performance.now();
    await c.start();
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no exit within ${timeoutMs / 1000} s`)), timeoutMs); });
    const status = await Promise.race([c.wait() as Promise<{ StatusCode: number }>, timedOut]).catch(async (err: Error) => {
      await c.kill().catch(() => {});
      const logs = joinLogFrames(await c.logs({ stdout: true, stderr: true }) as unknown as Buffer);
      throw new Error(`${err.message}; console:\n${logs}`);
    }).finally(() => clearTimeout(timer));
    const t3 = performance.now();
    const output = joinLogFrames(await c.logs({ stdout: true, stderr: true }) as unknown as Buffer);
    return { output, exitCode: status.StatusCode, createMs: t1 - t0, copyMs: t2 - t1, startToExitMs: t3 - t2 };
  } finally {
    await c.remove({ force: true }).catch(() => {});
  }
}

const report = (arch: string, b: Boot) =>
  console.log(`# ${arch}: docker run -> exit ${((b.createMs + b.startToExitMs) / 1000).toFixed(2)} s ` +
    `(guest uptime at init's end ${/LABVISOR-UPTIME (\S+)/.exec(b.output)?.[1] ?? '?'} s; ` +
    `create ${(b.createMs / 1000).toFixed(2)} s, start -> exit ${(b.startToExitMs / 1000).toFixed(2)} s; ` +
    `copying kernel + initramfs in ${(b.copyMs / 1000).toFixed(2)} s, not counted)`);

const GUEST_MODULES_ORDER = ['virtio_ring.ko', 'virtio.ko', 'virtio_mmio.ko', 'virtio_console.ko', 'failover.ko', 'net_failover.ko', 'virtio_net.ko', 'virtio_blk.ko'];

describe('labvisor/qemu, the VM runner image, and the aarch64 guest images', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;
  const id = randomBytes(4).toString('hex');
  const ref = `labvisor/test-qemu-${id}:1`;
  const kernelRepo = `labvisor/test-kernel-${id}`;
  const armBase = `labvisor/test-base-${id}:latest-arm64`;
  const work = mkdtempSync(join(tmpdir(), 'qemu-image-'));
  let made = false;
  let armKernel: GuestKernel | undefined;

  before(async () => { await ensureBaseImage(docker, info); });
  after(async () => {
    for (const image of await docker.listImages({ filters: { reference: [kernelRepo] } })) {
      for (const tag of image.RepoTags ?? []) await docker.getImage(tag).remove({ force: true }).catch(() => {});
    }
    for (const tag of [ref, armBase, `labvisor/test-base-${id}:latest-amd64`]) await docker.getImage(tag).remove({ force: true }).catch(() => {});
    rmSync(work, { recursive: true, force: true });
    // The throwaway repo's aarch64 kernel, unpacked in the tests' data dir (tens of MB).
    if (armKernel) rmSync(join(armKernel.vmlinuz, '..'), { recursive: true, force: true });
  });

  test('no local QEMU and no registry: what was tried and the fix; no image', async () => {
    const err = await withEnv({ LABVISOR_OFFLINE: '1', LABVISOR_QEMU_BIN_DIR: '/nonexistent' },
      () => ensureQemuImage(docker, info, undefined, ref)).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof QemuImageUnavailableError, String(err));
    assert.match(err.message, /local QEMU: no qemu-system-x86_64 in \/nonexistent \(qemu-system-x86\); no qemu-system-aarch64 in \/nonexistent/);
    assert.match(err.message, /registry: skipped \(LABVISOR_OFFLINE=1\)/);
    assert.match(err.message, /Fix: connect to a registry once, load a workshop bundle .*, or on a Linux computer .*: sudo apt-get install qemu-system-x86 qemu-system-arm/);
    await assert.rejects(docker.getImage(ref).inspect(), /no such image/i);
  });

  test('made from this machine\'s QEMU: both guest CPUs, versions in labels, pruned, entry script makes the FIFOs and execs', async (t) => {
    const local = await findLocalQemu(info);
    if (!need(t, local.binaries.length === 2, `this machine's QEMU cannot make a runner for both guest CPUs: ${local.why}`)) return;
    const image = await withEnv({ LABVISOR_OFFLINE: '1' }, () => ensureQemuImage(docker, info, undefined, ref));
    made = true;
    assert.equal(image.source, 'local-qemu');
    assert.deepEqual(image.guestArches, ['x86_64', 'aarch64']);
    assert.match(image.qemuVersion, /^\d+\.\d+/);
    assert.equal((await ensureQemuImage(docker, info, undefined, ref, 'aarch64')).source, 'present');
    const inspected = (await inspectQemuImage(docker, ref))!;
    const labels = (await docker.getImage(ref).inspect()).Config.Labels ?? {};
    assert.equal(labels['io.labvisor.role'], 'base');
    assert.equal(labels['io.labvisor.qemu-version'], image.qemuVersion);
    console.log(`# ${ref}: ${(inspected.sizeBytes / 1e6).toFixed(1)} MB, QEMU ${image.qemuVersion} for ${image.guestArches.join(', ')}`);

    const look = await bootInRunner(docker, ref, ['sh', '-c',
      'echo "pid=$$"; ls /run/vm; echo ---; ls /usr/share/qemu; echo ---; ls /usr/lib/*/qemu; echo ---; qemu-system-x86_64 --version | head -n 1; qemu-system-aarch64 --version | head -n 1'], {});
    assert.equal(look.exitCode, 0, look.output);
    const [pidAndFifos, firmware, modules, versions] = look.output.split('---\n');
    assert.equal(pidAndFifos, 'pid=1\nagent.in\nagent.out\n');
    assert.deepEqual(firmware!.trim().split('\n'), ['bios-microvm.bin', 'linuxboot_dma.bin', 'qboot.rom']);
    assert.ok(modules!.trim().split('\n').every((m) => /^accel-.*\.so$/.test(m)), modules);
    assert.match(versions!, new RegExp(`QEMU emulator version ${image.qemuVersion.replace(/\./g, '\\.')}`));
    const fifoTypes = await bootInRunner(docker, ref, ['sh', '-c', 'for f in /run/vm/*; do test -p "$f" && echo fifo; done | wc -l'], {});
    assert.equal(fifoTypes.output.trim(), '2');
    // The engine host's clock goes where QEMU's argv asks for it, inside any argument, and nowhere else.
    const clock = await bootInRunner(docker, ref, ['sh', '-c', 'printf "[%s]" "$@"', 'sh', 'a tsc_early_khz=@HOST_TSC_KHZ@ b', '@HOST', 'two  spaces'], {});
    assert.match(clock.output, /^\[a tsc_early_khz=[1-9]\d{5,} b\]\[@HOST\]\[two {2}spaces\]$/, clock.output);
    const noArgs = await bootInRunner(docker, ref, [], {}).catch((e: Error) => ({ exitCode: -1, output: e.message }));
    assert.equal(noArgs.exitCode, 2);
    assert.match(noArgs.output, /usage: \/labvisor\/run-vm QEMU-COMMAND/);
  });

  test('x86_64 guest: the Debian cloud kernel boots to init under TCG in a plain container and powers off', async (t) => {
    if (!need(t, made, 'no runner image (see the test before)')) return;
    // The real kernel image is read, or made as the app makes it when it is missing.
    const kernel = await ensureGuestKernel(docker, info, undefined, KERNEL_REPO, 'x86_64');
    // The engine's base image on an x86_64 engine; elsewhere a throwaway amd64 one.
    const x86Base = isArch(info.arch, 'x86_64') ? BASE_IMAGE : `labvisor/test-base-${id}:latest-amd64`;
    await ensureGuestBaseImage(docker, info, 'x86_64', undefined, x86Base);
    const busybox = await withCreatedContainer(docker, x86Base, (c) => readContainerFile(c, '/bin/busybox'));
    const modules = JSON.parse(await readFile(join(kernel.vmlinuz, '..', 'manifest.json'), 'utf8')).modules as string[];
    const initrd = await initramfs(work, busybox, kernel, modules);
    // The TSC frequency comes from the engine's /proc/cpuinfo, read inside the runner.
    const boot = await bootInRunner(docker, ref, ['sh', '-c',
      'khz=$(awk \'/^cpu MHz/ { printf "%d", $4 * 1000; exit }\' /proc/cpuinfo); ' +
      'exec qemu-system-x86_64 -M microvm,accel=tcg,pit=on,pic=on,rtc=on -m 256 -smp 1 -nodefaults -no-user-config -display none -no-reboot ' +
      '-kernel /vm/vmlinuz -initrd /vm/initrd.gz -serial stdio ' +
      '-netdev user,id=n0,restrict=on -device virtio-net-device,netdev=n0 ' +
      `-append "console=ttyS0 panic=-1 reboot=t quiet rdinit=/init tsc_early_khz=$khz tsc=reliable no_timer_check"`,
    ], { vmlinuz: await readFile(kernel.vmlinuz), 'initrd.gz': initrd });
    report('x86_64', boot);
    assert.match(boot.output, /LABVISOR-BOOTED x86_64 net: (lo )?eth0/, boot.output);
    assert.doesNotMatch(boot.output, /INSMOD-FAILED/);
    assert.equal(boot.exitCode, 0, boot.output);
  });

  test('aarch64 guest images: the arm64 kernel and base made offline from Debian\'s packages, kept apart from x86_64\'s', async (t) => {
    const kernelDeb = await findGuestDeb('aarch64', 'aarch64 cloud kernel', pickKernelDeb);
    const busyboxDeb = await findGuestDeb('aarch64', 'busybox-static', pickBusyboxDeb);
    if (!need(t, kernelDeb.deb && busyboxDeb.deb, `the arm64 packages are missing: ${kernelDeb.why}; ${busyboxDeb.why}`)) return;
    const kernel = await withEnv({ LABVISOR_OFFLINE: '1' }, () => ensureGuestKernel(docker, info, undefined, kernelRepo, 'aarch64'));
    armKernel = kernel;
    assert.equal(kernel.source, 'package');
    assert.equal(kernel.version, kernelDeb.deb!.release);
    assert.equal(kernel.image, `${kernelRepo}:${kernel.version}`);
    const modules = JSON.parse(await readFile(join(kernel.vmlinuz, '..', 'manifest.json'), 'utf8')).modules as string[];
    assert.deepEqual(modules.map((m) => m.slice(m.lastIndexOf('/') + 1)), GUEST_MODULES_ORDER);
    const labels = (await docker.getImage(kernel.image).inspect()).Config.Labels ?? {};
    assert.equal(labels['io.labvisor.guest-arch'], 'aarch64');
    assert.equal(labels['io.labvisor.role'], 'kernel');
    // The same repo has no x86_64 kernel: the arm64 one is never taken for it.
    assert.equal(await newestKernelImage(docker, kernelRepo, 'x86_64', info.arch), undefined);
    assert.equal((await ensureGuestKernel(docker, info, undefined, kernelRepo, 'aarch64')).source, 'present');

    const source = await withEnv({ LABVISOR_OFFLINE: '1' }, () => ensureGuestBaseImage(docker, info, 'aarch64', undefined, armBase));
    assert.equal(source, isArch(info.arch, 'aarch64') ? 'host-busybox' : 'package');
    const base = await docker.getImage(armBase).inspect();
    assert.equal(base.Architecture, 'arm64');
    assert.equal(base.Config.Labels?.['io.labvisor.role'], 'base');
    const sh = await withCreatedContainer(docker, armBase, (c) => readContainerFile(c, '/bin/busybox'));
    assert.equal(sh.readUInt16LE(18), 183, '/bin/busybox is an aarch64 ELF');
    // The engine's own labvisor/base is untouched.
    if (!isArch(info.arch, 'aarch64')) assert.notEqual((await docker.getImage(BASE_IMAGE).inspect()).Architecture, 'arm64');
  });

  test('aarch64 guest: -M virt -cpu cortex-a57 boots the arm64 kernel to init under TCG; uname -m says aarch64', async (t) => {
    if (!need(t, made, 'no runner image (see the tests before)')) return;
    const images = await docker.listImages({ filters: { reference: [armBase] } });
    if (!need(t, images.length, 'no arm64 base image (see the test before)')) return;
    const kernel = await ensureGuestKernel(docker, info, undefined, kernelRepo, 'aarch64');
    const busybox = await withCreatedContainer(docker, armBase, (c) => readContainerFile(c, '/bin/busybox'));
    const modules = JSON.parse(await readFile(join(kernel.vmlinuz, '..', 'manifest.json'), 'utf8')).modules as string[];
    const initrd = await initramfs(work, busybox, kernel, modules);
    const boot = await bootInRunner(docker, ref, [
      'qemu-system-aarch64', '-M', 'virt,accel=tcg', '-cpu', 'cortex-a57', '-m', '256', '-smp', '1',
      '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
      '-kernel', '/vm/vmlinuz', '-initrd', '/vm/initrd.gz', '-serial', 'stdio',
      '-netdev', 'user,id=n0,restrict=on', '-device', 'virtio-net-device,netdev=n0',
      '-append', 'console=ttyAMA0 panic=-1 reboot=t quiet rdinit=/init',
    ], { vmlinuz: await readFile(kernel.vmlinuz), 'initrd.gz': initrd });
    report('aarch64', boot);
    assert.match(boot.output, /LABVISOR-BOOTED aarch64 net: (lo )?eth0/, boot.output);
    assert.doesNotMatch(boot.output, /INSMOD-FAILED/);
    assert.equal(boot.exitCode, 0, boot.output);
  });
});
