// A VM's network for real: a guest not trusted for outbound cannot reach the learner's
// loopback (QEMU maps 10.0.2.2 to the host's 127.0.0.1) while its port forwards still come in;
// a trusted guest can reach it, so the refusal is the restriction and not a broken network.
// QEMU runs under its seccomp sandbox when it supports one. Nothing is left running.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, get, type Server } from 'node:http';
import { ensureBaseImage, BASE_IMAGE } from '../../electron/engine/images/base-image.js';
import { ensureGuestKernel } from '../../electron/engine/images/guest-kernel.js';
import { buildGuestInitramfs } from '../../electron/engine/images/guest-initramfs.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { freePort } from '../../electron/engine/machines/vm/free-port.js';
import { findQemu, type QemuBinary } from '../../electron/engine/machines/vm/qemu-binary.js';
import { VmMachine } from '../../electron/engine/machines/vm/vm-machine.js';
import { engineOrSkip } from './support.js';

const engine = await engineOrSkip();
const qemu = await findQemu().catch((err: Error) => {
  if (process.env.CI) throw new Error(`VM tests need QEMU in CI: ${err.message}`);
  return undefined;
});
const skip = engine.skip || (!qemu && 'no QEMU on PATH');

const SESSIONS = ['vmnet000', 'vmnet001'];

/** QEMU processes of this test's sessions (their run dirs are named after them), by /proc. */
function ourQemuPids(): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      const cmdline = readFileSync(`/proc/${p}/cmdline`, 'utf8');
      return cmdline.startsWith(qemu!.path) && SESSIONS.some((s) => cmdline.includes(`/lv-${s}-`));
    } catch { return false; }
  }).map(Number);
}

/** GET http://127.0.0.1:port/ from the host. */
function fetchLocal(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path: '/', timeout: 5000 }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => { body += c.toString(); });
      res.on('end', () => resolve(body));
    }).on('error', reject).on('timeout', function (this: { destroy(e: Error): void }) { this.destroy(new Error('timed out')); });
  });
}

describe('a VM\'s way out', { skip }, () => {
  const secret = `lv-secret-${randomBytes(8).toString('hex')}`;
  const requests: string[] = [];
  let server: Server;
  let port = 0;
  let boot: (session: string, outbound: boolean, ports?: Array<{ guest: number; host: number }>) => Promise<VmMachine>;
  const started: VmMachine[] = [];

  before(async () => {
    // The learner's loopback-only service: what a guest must not read unless trusted.
    server = createServer((req, res) => { requests.push(req.socket.remoteAddress ?? '?'); res.end(secret); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    const docker = engine.docker as Docker;
    await ensureBaseImage(docker, engine.info as EngineInfo);
    const kernel = await ensureGuestKernel(docker, engine.info as EngineInfo);
    const initrd = await buildGuestInitramfs(docker, BASE_IMAGE, kernel);
    boot = async (session, outbound, ports = []) => {
      const vm = await VmMachine.start({
        session, machine: 'vm', qemu: qemu as QemuBinary, kernel: kernel.vmlinuz, initrd,
        memoryMb: 128, cpus: 1, hostname: session, ports, outbound,
      });
      started.push(vm);
      return vm;
    };
  });
  after(async () => {
    for (const vm of started) await vm.stop();
    server?.close();
  });

  // `timeout`, not wget's -T: the static busybox 1.35 of Debian 12 (a base image made from the
  // host's busybox) segfaults on -T, which would pass the negative test for the wrong reason.
  const wget = () => `timeout 5 wget -q -O - http://10.0.2.2:${port}/`;

  test('outbound=false: the host\'s 127.0.0.1 is out of reach, a port forward still comes in, QEMU is sandboxed', async () => {
    const hostPort = await freePort();
    const vm = await boot(SESSIONS[0]!, false, [{ guest: 8080, host: hostPort }]);
    const up = await vm.runScript('ip addr show eth0 2>/dev/null || ifconfig eth0', { timeoutMs: 10_000 });
    assert.match(up.output, /10\.0\.2\.15/, 'the guest\'s network is up: the refusal below is the restriction');
    const r = await vm.runScript(wget(), { timeoutMs: 20_000 });
    assert.ok(r.exitCode !== 0 && r.exitCode !== 139, `wget failed, and did not crash: ${r.exitCode} ${r.output}`);
    assert.ok(!r.output.includes(secret), r.output);
    assert.deepEqual(requests, [], 'the server saw no request');

    const served = await vm.runScript('mkdir -p /tmp/www && echo forwarded-in > /tmp/www/index.html && httpd -p 8080 -h /tmp/www', { timeoutMs: 10_000 });
    assert.equal(served.exitCode, 0, served.output);
    assert.equal((await fetchLocal(hostPort)).trim(), 'forwarded-in');

    const status = readFileSync(`/proc/${vm.pid}/status`, 'utf8');
    if ((qemu as QemuBinary).sandbox) assert.match(status, /^Seccomp:\s+2$/m, 'QEMU runs under its seccomp filter');
    else assert.match(status, /^Seccomp:\s+0$/m);
  });

  test('outbound=true (the positive control): the same request reads the secret', async () => {
    const vm = await boot(SESSIONS[1]!, true);
    const r = await vm.runScript(wget(), { timeoutMs: 20_000 });
    assert.equal(r.exitCode, 0, r.output);
    assert.equal(r.output, secret);
    assert.equal(requests.length, 1);
  });

  test('stop leaves no QEMU process of this test', async () => {
    assert.equal(ourQemuPids().length, started.length);
    for (const vm of started.splice(0)) await vm.stop();
    assert.deepEqual(ourQemuPids(), []);
  });
});
