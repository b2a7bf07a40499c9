// The guest kernel and the guest builder against the real engine, then one real QEMU boot of
// the result up to the agent's READY. The kernel goes to a throwaway repo, the cache to the
// tests' private data dir, so the real labvisor/kernel is left alone.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { gunzipSync } from 'node:zlib';
import { BASE_IMAGE, ensureBaseImage } from '../../electron/engine/images/base-image.js';
import { ensureGuestKernel, findHostKernel, type GuestKernel } from '../../electron/engine/images/guest-kernel.js';
import { GuestKernelUnavailableError } from '../../electron/engine/images/guest-kernel-error.js';
import { buildGuestInitramfs } from '../../electron/engine/images/guest-initramfs.js';
import { listContainerDir, withCreatedContainer } from '../../electron/engine/images/image-files.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import type { ProgressEvent } from '../../electron/engine/progress.js';
import { onPath } from '../../electron/engine/which.js';
import { engineOrSkip, withEnv } from './support.js';

const engine = await engineOrSkip();
const qemu = await onPath('qemu-system-x86_64');
if (!qemu && process.env.CI) throw new Error('The guest boot test needs qemu-system-x86_64 in CI (sudo apt-get install qemu-system-x86)');


const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

describe('guest kernel and initramfs', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;
  const repo = `labvisor/test-kernel-${randomBytes(4).toString('hex')}`;
  const work = mkdtempSync(join(tmpdir(), 'guest-build-'));
  let kernel: GuestKernel | undefined;
  let initramfs: string | undefined;
  after(async () => {
    for (const image of await docker.listImages({ filters: { reference: [repo] } })) {
      for (const tag of image.RepoTags ?? []) await docker.getImage(tag).remove({ force: true }).catch(() => {});
    }
    rmSync(work, { recursive: true, force: true });
  });

  test('no source: an error that lists what was tried and how to get a kernel', async () => {
    const err = await withEnv({ LABVISOR_OFFLINE: '1' }, () => ensureGuestKernel(docker, { ...info, arch: 'riscv64' }, undefined, repo))
      .then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof GuestKernelUnavailableError);
    assert.match(err.message, /registry: skipped \(LABVISOR_OFFLINE=1\)/);
    assert.match(err.message, /this machine's kernel: this machine's kernel is for \w+, the engine's images are for riscv64/);
    assert.match(err.message, /Fix: .*sudo apt-get install linux-image-cloud-amd64/);
  });

  test('the kernel: imported from this machine, unpacked with its sha256 recorded, then reused', async () => {
    const host = await findHostKernel(info);
    const events: ProgressEvent[] = [];
    // With a usable host kernel, stay offline to exercise the import; otherwise any source will do.
    kernel = await withEnv(host.version ? { LABVISOR_OFFLINE: '1' } : {}, () => ensureGuestKernel(docker, info, (e) => events.push(e), repo));
    if (host.version) {
      assert.equal(kernel.source, 'host');
      assert.equal(kernel.version, host.version);
      assert.ok(events.some((e) => e.phase === `importing this machine's kernel ${host.version}`));
    }
    assert.equal(events.at(-1)?.state, 'done');
    const image = await docker.getImage(`${repo}:${kernel.version}`).inspect();
    assert.equal(image.Config.Labels?.['io.labvisor.role'], 'kernel');
    const boot = await withCreatedContainer(docker, `${repo}:${kernel.version}`, (c) => listContainerDir(c, '/boot'));
    assert.deepEqual(boot, [`vmlinuz-${kernel.version}`]);

    const manifest = JSON.parse(await readFile(join(kernel.vmlinuz, '..', 'manifest.json'), 'utf8')) as { sha256: string; modules: string[] };
    assert.equal(manifest.sha256, await sha256(kernel.vmlinuz));
    assert.equal(kernel.sha256, manifest.sha256);
    assert.ok(manifest.modules.some((m) => m.endsWith('/virtio_mmio.ko')), 'virtio_mmio is a module in Debian\'s kernels');
    for (const m of manifest.modules) await stat(join(kernel.modulesDir, m));

    const again = await ensureGuestKernel(docker, info, undefined, repo);
    assert.deepEqual(again, { ...kernel, source: 'present' });
  });

  test('the initramfs of labvisor/base: image files plus the kit, then a cache hit', async (t) => {
    assert.ok(kernel, 'the kernel test ran');
    await ensureBaseImage(docker, info);
    const events: ProgressEvent[] = [];
    const began = Date.now();
    initramfs = await buildGuestInitramfs(docker, BASE_IMAGE, kernel, (e) => events.push(e));
    const built = await stat(initramfs);
    t.diagnostic(`built ${initramfs} in ${Date.now() - began} ms: ${built.size} bytes`);
    assert.deepEqual([events[0]?.phase, events.at(-1)?.state], ['exporting', 'done']);
    assert.ok(events.some((e) => /^compressing \d+ files$/.test(e.phase)));

    const cpio = join(work, 'guest.cpio');
    execFileSync('sh', ['-c', `gunzip -c "$1" > "$2"`, 'sh', initramfs, cpio]);
    const names = execFileSync('busybox', ['cpio', '-t', '-F', cpio], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().split('\n');
    for (const name of ['init', 'labvisor/agent', 'labvisor/busybox', 'labvisor/modules.order', 'bin/busybox', 'bin/sh', 'etc/passwd']) {
      assert.ok(names.includes(name), `${name} is in the initramfs`);
    }
    assert.ok(!names.includes('.dockerenv') && !names.includes('dev/console'), 'nothing of Docker\'s container plumbing');
    const order = execFileSync('busybox', ['cpio', '-i', '--to-stdout', 'labvisor/modules.order', '-F', cpio], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim().split('\n');
    assert.deepEqual(order.filter((m) => /^virtio(_ring|_mmio)?\.ko$/.test(m)), ['virtio_ring.ko', 'virtio.ko', 'virtio_mmio.ko']);
    assert.ok(gunzipSync(await readFile(initramfs)).length > 0);

    const cached: ProgressEvent[] = [];
    assert.equal(await buildGuestInitramfs(docker, BASE_IMAGE, kernel, (e) => cached.push(e)), initramfs);
    assert.deepEqual(cached, [], 'a cache hit does no work');
    assert.equal((await stat(initramfs)).mtimeMs, built.mtimeMs);
  });

  test('QEMU boots it (TCG) to the agent\'s READY with the guest kernel, which runs a script', { skip: !qemu && 'no qemu-system-x86_64' }, async (t) => {
    assert.ok(kernel && initramfs, 'the kernel and initramfs tests ran');
    if (info.arch !== 'x86_64') return t.skip(`boots x86_64 guests only; the engine is ${info.arch}`);
    const socket = join(work, 'agent.sock');
    const began = Date.now();
    const vm = spawn(qemu!, [
      '-M', 'microvm,accel=tcg,pit=on,pic=on,rtc=on', '-m', '256', '-smp', '1',
      '-nodefaults', '-no-user-config', '-nographic', '-no-reboot', '-serial', 'stdio',
      '-kernel', kernel.vmlinuz, '-initrd', initramfs,
      // tsc_early_khz: under TCG on a busy host the kernel cannot calibrate its clock against the PIT and hangs.
      '-append', 'console=ttyS0 panic=-1 reboot=t quiet tsc_early_khz=2000000 tsc=reliable no_timer_check labvisor.hostname=guest-test',
      '-device', 'virtio-serial-device',
      '-chardev', `socket,id=agent,path=${socket},server=on,wait=off`, '-device', 'virtconsole,chardev=agent',
      '-netdev', 'user,id=net0', '-device', 'virtio-net-device,netdev=net0',
    ], { stdio: ['pipe', 'pipe', 'pipe'] });
    let console = '';
    vm.stdout.on('data', (c: Buffer) => { console += c.toString(); });
    vm.stderr.on('data', (c: Buffer) => { console += c.toString(); });
    const exited = new Promise<never>((_, reject) => vm.on('exit', (code, signal) =>
      reject(new Error(`QEMU exited (${signal ?? code}); console:\n${console.slice(-3000)}`))));
    exited.catch(() => {});
    let agent: Socket | undefined;
    try {
      agent = await Promise.race([connectWhenListening(socket, 10_000), exited]);
      const lines = createInterface({ input: agent })[Symbol.asyncIterator]();
      const nextLine = async (ms: number) => {
        let timer: NodeJS.Timeout | undefined;
        const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`no agent line within ${ms / 1000} s; console:\n${console.slice(-3000)}`)), ms); });
        try {
          return (await Promise.race([lines.next(), late, exited])).value as string;
        } finally {
          clearTimeout(timer);
        }
      };
      const ready = await nextLine(60_000);
      t.diagnostic(`boot to READY: ${Date.now() - began} ms (${ready})`);
      const [word, uptime, release, bootId] = ready.split(' ');
      assert.equal(word, 'READY');
      assert.ok(Number(uptime) > 0);
      assert.equal(release, kernel.version);
      assert.match(bootId ?? '', /^[0-9a-f-]{36}$/);

      const script = 'hostname; cut -d" " -f1 /proc/modules | sort | tr "\\n" " "; echo; ls /sys/class/net | tr "\\n" " "';
      agent.write(`X 1 ${Buffer.from(script).toString('base64')}\n`);
      const out = await nextLine(30_000);
      assert.match(out, /^O 1 /);
      const [hostname, modules, net] = Buffer.from(out.slice(4), 'base64').toString().split('\n');
      assert.equal(hostname, 'guest-test');
      for (const m of ['virtio_mmio', 'virtio_console', 'virtio_net']) assert.ok(modules!.split(' ').includes(m), `${m} loaded: ${modules}`);
      assert.match(net ?? '', /\beth0\b/);
      assert.equal(await nextLine(10_000), 'E 1 0');
    } finally {
      agent?.destroy();
      vm.kill('SIGKILL');
      if (vm.exitCode === null && vm.signalCode === null) await new Promise((resolve) => vm.once('exit', resolve));
    }
  });
});

/** Connects to a Unix socket that a starting process is about to create. */
async function connectWhenListening(path: string, timeoutMs: number): Promise<Socket> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      return await new Promise<Socket>((resolve, reject) => {
        const s = connect(path).once('connect', () => resolve(s)).once('error', reject);
      });
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`nothing listens on ${path} after ${timeoutMs / 1000} s: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
