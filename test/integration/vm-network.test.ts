// A VM's network for real: its runner container is on the lab's network, so the lab's policy is
// the guest's. A guest not trusted for outbound reaches neither the learner's loopback (10.0.2.2
// is its runner's own loopback now) nor anything off the lab's network, while the lab's machines
// reach its ports by name; a trusted guest reaches the same outside server, so the refusal is the
// policy and not a broken network. QEMU is confined like any container, under its own seccomp
// sandbox too. Nothing is left running.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { ensureBaseImage, BASE_IMAGE } from '../../electron/engine/images/base-image.js';
import { ensureGuestKernel } from '../../electron/engine/images/guest-kernel.js';
import { buildGuestInitramfs } from '../../electron/engine/images/guest-initramfs.js';
import { ensureQemuImage } from '../../electron/engine/images/qemu-image.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { runContainerScript } from '../../electron/engine/machines/container-exec.js';
import { ensureBootImage } from '../../electron/engine/images/vm-boot-image.js';
import { VmMachine } from '../../electron/engine/machines/vm/vm-machine.js';
import { labelsFor } from '../../electron/engine/labels.js';
import { engineOrSkip, labelled, nothing } from './support.js';

const engine = await engineOrSkip();
const SESSION = 'vmnet000';
const LAB = `lv-${SESSION}`;
const EGRESS = `lv-${SESSION}_egress`;

describe('a VM\'s way out', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;
  const secret = `lv-secret-${randomBytes(8).toString('hex')}`;
  const requests: string[] = [];
  let server: Server;
  let port = 0;
  let outsideIp = '';
  const vms: Record<string, VmMachine> = {};

  /** A container of the test's lab network, or of its routed network only (what a VM reaches only when trusted for outbound). */
  const startContainer = async (alias: string, network: string, cmd: string) => {
    const c = await docker.createContainer({
      name: `${LAB}-${alias}`, Image: BASE_IMAGE, Cmd: ['sh', '-c', cmd], Labels: labelsFor('vm-net', SESSION, 'machine'),
      HostConfig: { NetworkMode: network }, NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: [alias] } } },
    });
    await c.start();
    return c;
  };

  before(async () => {
    // The learner's loopback-only service: no guest may read it.
    server = createServer((req, res) => { requests.push(req.socket.remoteAddress ?? '?'); res.end(secret); });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
    await ensureBaseImage(docker, info);
    await docker.createNetwork({ Name: LAB, Internal: true, Labels: labelsFor('vm-net', SESSION, 'network') });
    await docker.createNetwork({ Name: EGRESS, Internal: false, Labels: labelsFor('vm-net', SESSION, 'network') });
    const outside = await startContainer('outside', EGRESS, 'mkdir -p /w && echo outside-answer > /w/index.html && exec httpd -f -p 8080 -h /w');
    outsideIp = (await outside.inspect()).NetworkSettings.Networks[EGRESS]!.IPAddress;
    await startContainer('box', LAB, 'exec sleep 600');
    const kernel = await ensureGuestKernel(docker, info);
    const initrd = await buildGuestInitramfs(docker, BASE_IMAGE, kernel);
    const runnerImage = (await ensureQemuImage(docker, info)).ref;
    const bootImage = await ensureBootImage(docker, { runner: runnerImage, kernel, initrd });
    const boot = (machine: string, outbound: boolean) => VmMachine.start(docker, {
      session: SESSION, machine, container: `${LAB}-${machine}`, arch: 'x86_64', sameArch: true, runnerImage,
      bootImage, memoryMb: 128, cpus: 1, hostname: machine, ports: [8080], network: LAB,
      ...(outbound ? { egressNetwork: EGRESS } : {}), labels: labelsFor('vm-net', SESSION, 'machine'), engineKernel: info.kernel,
    });
    [vms.closed, vms.open] = await Promise.all([boot('closed', false), boot('open', true)]);
  });

  after(async () => {
    for (const vm of Object.values(vms)) await vm.stop();
    const { containers, networks } = await labelled(docker, SESSION);
    for (const c of containers) await docker.getContainer(c.replace(/^\//, '')).remove({ force: true });
    for (const n of networks) await docker.getNetwork(n).remove();
    assert.deepEqual(await labelled(docker, SESSION), nothing);
    server?.close();
  });

  // `timeout`, not wget's -T: the static busybox 1.35 of Debian 12 segfaults on -T, which would
  // pass the negative tests for the wrong reason.
  const fetch = (url: string) => `timeout 5 wget -q -O - ${url}`;

  test('not trusted for outbound: neither the learner\'s loopback nor the routed network; its network itself works', async () => {
    const vm = vms.closed!;
    const up = await vm.runScript('ifconfig eth0', { timeoutMs: 10_000 });
    assert.match(up.output, /10\.0\.2\.15/);
    // 10.0.2.2 (QEMU's name for its host), and the engine host as the lab network's gateway.
    const gateway = (await docker.getNetwork(LAB).inspect()).IPAM?.Config?.[0]?.Gateway as string | undefined;
    const learner = [`http://10.0.2.2:${port}/`, ...(gateway ? [`http://${gateway}:${port}/`] : [])];
    for (const url of [...learner, `http://${outsideIp}:8080/`]) {
      const r = await vm.runScript(fetch(url), { timeoutMs: 20_000 });
      assert.ok(r.exitCode !== 0 && r.exitCode !== 139, `${url}: wget failed, and did not crash: ${r.exitCode} ${r.output}`);
      assert.ok(!/lv-secret|outside-answer/.test(r.output), r.output);
    }
    assert.deepEqual(requests, [], 'the learner\'s server saw no request');
    const box = await vm.runScript('ping -c 1 -W 3 box >/dev/null && echo reaches-box', { timeoutMs: 20_000 });
    assert.equal(box.output, 'reaches-box\n', 'the lab\'s own machines are in reach, by name');
  });

  test('the lab\'s machines reach a VM\'s port by its name', async () => {
    const served = await vms.closed!.runScript('mkdir -p /tmp/www && echo served-by-the-vm > /tmp/www/index.html && httpd -p 8080 -h /tmp/www', { timeoutMs: 10_000 });
    assert.equal(served.exitCode, 0, served.output);
    const r = await runContainerScript(docker, `${LAB}-box`, fetch('http://closed:8080/'), { timeoutMs: 15_000 });
    assert.equal(r.output.trim(), 'served-by-the-vm');
  });

  test('trusted for outbound (the positive control): the same outside request answers; the learner\'s loopback still does not', async () => {
    const r = await vms.open!.runScript(fetch(`http://${outsideIp}:8080/`), { timeoutMs: 20_000 });
    assert.equal(r.output.trim(), 'outside-answer', `${r.exitCode} ${r.output}`);
    const mine = await vms.open!.runScript(fetch(`http://10.0.2.2:${port}/`), { timeoutMs: 20_000 });
    assert.notEqual(mine.exitCode, 0);
    assert.deepEqual(requests, []);
  });

  test('QEMU is confined like a container: no capabilities, the engine\'s seccomp filter, and its own -sandbox on top', async () => {
    const r = await runContainerScript(docker, `${LAB}-closed`,
      'grep -E "^(CapEff|Seccomp|Seccomp_filters):" /proc/1/status; tr "\\0" " " < /proc/1/cmdline', { timeoutMs: 10_000 });
    assert.match(r.output, /^CapEff:\s+0+$/m);
    assert.match(r.output, /^Seccomp:\s+2$/m);
    // This machine's QEMU (the runner's) is built with seccomp: the entry script's probe must have found it.
    assert.match(r.output, / -sandbox on,obsolete=deny,elevateprivileges=deny,spawn=deny,resourcecontrol=deny /, r.output);
    const filters = /^Seccomp_filters:\s+(\d+)$/m.exec(r.output);
    if (filters) assert.ok(Number(filters[1]) >= 2, `QEMU installed its own filter over the engine's: ${r.output}`);
  });
});
