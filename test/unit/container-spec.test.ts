import { relayContainerSpec } from '../../electron/engine/machines/port-publisher.js';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerSpec, needsKeepAlive, runsOwnInit, DEFAULTS } from '../../electron/engine/machines/container-spec.js';
import type { ContainerMachine } from '../../electron/engine/labs/schema.js';

const base = (machine: Partial<ContainerMachine> = {}) => containerSpec({
  machine: { name: 'web', kind: 'container', image: 'web', ...machine },
  containerName: 'lv-abc12345-web',
  image: 'labvisor/lab-x-web:0123',
  imageCmd: ['httpd', '-f'],
  network: 'lv-abc12345',
  volumeNames: { data: 'lv-abc12345-data' },
  labels: { 'io.labvisor.session': 'abc12345' },
  env: { LAB_ID: 'x' },
});

test('hardened defaults: init, no capabilities, no new privileges, memory without swap, pids and cpu limits', () => {
  const hc = base().HostConfig!;
  assert.equal(hc.Init, true);
  assert.deepEqual(hc.CapDrop, ['ALL']);
  assert.deepEqual(hc.CapAdd, []);
  assert.deepEqual(hc.SecurityOpt, ['no-new-privileges']);
  assert.equal(hc.Memory, DEFAULTS.memoryMb * 1024 * 1024);
  assert.equal(hc.MemorySwap, hc.Memory);
  assert.equal(hc.PidsLimit, DEFAULTS.pids);
  assert.equal(hc.NanoCpus, 1e9);
  assert.equal(hc.Privileged, false);
  assert.equal(hc.NetworkMode, 'lv-abc12345');
  assert.ok(!JSON.stringify(base()).includes('docker.sock'), 'never mounts the Docker socket');
});

test('a system container runs its own init as PID 1 (no docker-init above it); the rest of the hardening stays', () => {
  for (const cmd of [['/sbin/init'], ['init'], ['/bin/init'], ['/usr/sbin/init', '--log']]) assert.ok(runsOwnInit(cmd), cmd.join(' '));
  for (const cmd of [['httpd', '-f'], ['/sbin/initctl'], ['sh', '-c', 'init'], [], null, undefined]) assert.ok(!runsOwnInit(cmd), String(cmd));
  const hc = base({ command: ['/sbin/init'] }).HostConfig!;
  assert.equal(hc.Init, false);
  assert.deepEqual(hc.CapDrop, ['ALL']);
  assert.deepEqual(hc.SecurityOpt, ['no-new-privileges']);
});

test('only the declared capabilities are added back; resources follow the lab', () => {
  const hc = base({ capabilities: ['NET_BIND_SERVICE'], resources: { memoryMb: 64, cpus: 0.5, pids: 32 } }).HostConfig!;
  assert.deepEqual(hc.CapAdd, ['NET_BIND_SERVICE']);
  assert.equal(hc.Memory, 64 * 1024 * 1024);
  assert.equal(hc.MemorySwap, 64 * 1024 * 1024);
  assert.equal(hc.NanoCpus, 5e8);
  assert.equal(hc.PidsLimit, 32);
});

test('a machine exposes its ports but never publishes them: the relay does, on 127.0.0.1 only', () => {
  const spec = base({ ports: [{ container: 80, host: 8080 }, { container: 443 }] });
  assert.equal(spec.HostConfig!.PortBindings, undefined);
  assert.deepEqual(Object.keys(spec.ExposedPorts!), ['80/tcp', '443/tcp']);
  const relay = relayContainerSpec({
    name: 'lv-abcdefgh_ports', ports: [{ machine: 'web', container: 80, host: 8080 }, { machine: 'api', container: 80 }],
    labNetwork: 'lv-abcdefgh', egressNetwork: 'lv-abcdefgh_egress', labels: {},
  });
  assert.deepEqual(relay.HostConfig!.PortBindings, {
    '20000/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }],
    '20001/tcp': [{ HostIp: '127.0.0.1', HostPort: '' }],
  });
  assert.deepEqual(relay.HostConfig!.CapDrop, ['ALL']);
  assert.equal(relay.HostConfig!.ReadonlyRootfs, true);
  assert.equal(relay.HostConfig!.NetworkMode, 'lv-abcdefgh_egress');
  assert.deepEqual(relay.Cmd, ['sh', '-c', 'nc -ll -p 20000 -e nc web 80 &\nnc -ll -p 20001 -e nc api 80 &\nwait']);
});

test('volumes mount by their session name; labels and lab env are set', () => {
  const spec = base({ mounts: [{ volume: 'data', path: '/data', readOnly: true }], env: { A: '1' } });
  assert.deepEqual(spec.HostConfig!.Mounts, [{ Type: 'volume', Source: 'lv-abc12345-data', Target: '/data', ReadOnly: true }]);
  assert.deepEqual(spec.Labels, { 'io.labvisor.session': 'abc12345' });
  assert.deepEqual(spec.Env, ['A=1', 'LAB_ID=x']);
  assert.equal(spec.Hostname, 'web');
  assert.deepEqual(spec.NetworkingConfig!.EndpointsConfig!['lv-abc12345']!.Aliases, ['web']);
});

test('a shell CMD (which would exit without a TTY) is replaced by a keep-alive; a service CMD is kept', () => {
  assert.equal(needsKeepAlive(['/bin/sh']), true);
  assert.equal(needsKeepAlive(['sh']), true);
  assert.equal(needsKeepAlive([]), true);
  assert.equal(needsKeepAlive(null), true);
  assert.equal(needsKeepAlive(['httpd', '-f']), false);
  assert.equal(base().Cmd, undefined);
  assert.deepEqual(base({ command: ['sleep', '5'] }).Cmd, ['sleep', '5']);
});

