import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { GUEST_MODULES, moduleName, modulesInLoadOrder, parseModulesDep } from '../../electron/engine/images/modules-dep.js';

const DEP = `kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/virtio/virtio_ring.ko:
kernel/drivers/virtio/virtio_mmio.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/char/virtio_console.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/net/virtio_net.ko: kernel/drivers/net/net_failover.ko kernel/net/core/failover.ko kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/net/net_failover.ko: kernel/net/core/failover.ko
kernel/net/core/failover.ko:
kernel/drivers/char/hw_random/virtio-rng.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
kernel/drivers/block/virtio_blk.ko: kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko
`;

const base = (paths: string[]) => paths.map((p) => p.slice(p.lastIndexOf('/') + 1));

test('the guest modules load dependencies first, each once', () => {
  assert.deepEqual(base(modulesInLoadOrder(DEP, GUEST_MODULES)), [
    'virtio_ring.ko', 'virtio.ko', 'virtio_mmio.ko', 'virtio_console.ko', 'failover.ko', 'net_failover.ko', 'virtio_net.ko', 'virtio_blk.ko',
  ]);
  assert.deepEqual(modulesInLoadOrder(DEP, ['virtio_ring']), ['kernel/drivers/virtio/virtio_ring.ko']);
});

test('module names: dashes are underscores, compressed files have the same name', () => {
  assert.equal(moduleName('kernel/drivers/char/hw_random/virtio-rng.ko'), 'virtio_rng');
  assert.equal(moduleName('kernel/net/core/failover.ko.zst'), 'failover');
  assert.deepEqual(modulesInLoadOrder(DEP, ['virtio-rng']).at(-1), 'kernel/drivers/char/hw_random/virtio-rng.ko');
});

test('a built-in module needs no file; an unknown one is an error naming it', () => {
  const builtin = 'kernel/drivers/virtio/virtio.ko\nkernel/drivers/virtio/virtio_ring.ko\nkernel/drivers/virtio/virtio_mmio.ko\n';
  const dep = DEP.split('\n').filter((l) => !/^kernel\/drivers\/virtio\//.test(l)).join('\n');
  assert.deepEqual(base(modulesInLoadOrder(dep, ['virtio_mmio', 'virtio_console'], builtin)), ['virtio_console.ko']);
  assert.throws(() => modulesInLoadOrder(dep, ['virtio_console']), /kernel module virtio_ring \(needed by virtio_console\) is neither in modules.dep nor built in/);
  assert.throws(() => modulesInLoadOrder(DEP, ['nope']), /kernel module nope is neither/);
});

test('a module path that is absolute or climbs out with ".." is refused, naming it', () => {
  for (const bad of ['/etc/shadow', '../../../../etc/shadow', 'kernel/../../../etc/shadow.ko', 'kernel\\..\\..\\x.ko']) {
    const error = new RegExp(`modules.dep lists "${bad.replace(/[\\.]/g, '\\$&')}": a module path must be relative`);
    assert.throws(() => modulesInLoadOrder(`${bad}: kernel/drivers/virtio/virtio.ko\n${DEP}`, GUEST_MODULES), error, bad);
    assert.throws(() => parseModulesDep(`kernel/drivers/virtio/virtio_mmio.ko: ${bad}\n`), error, `${bad} as a dependency`);
  }
  // ".." inside a file name is no climb.
  assert.deepEqual(modulesInLoadOrder('kernel/x..y.ko:\n', ['x..y']), ['kernel/x..y.ko']);
});

// A real modules.dep of this machine, if it has one (not necessarily the running kernel's).
const hostDep = (existsSync('/lib/modules') ? readdirSync('/lib/modules') : []).map((v) => `/lib/modules/${v}/modules.dep`).find(existsSync);
test('a real modules.dep gives the guest modules, in an order insmod accepts', { skip: !hostDep && 'no /lib/modules/*/modules.dep' }, () => {
  const text = readFileSync(hostDep!, 'utf8');
  const order = modulesInLoadOrder(text, GUEST_MODULES);
  assert.equal(new Set(order).size, order.length, 'no duplicates');
  const deps = parseModulesDep(text);
  order.forEach((path, i) => {
    for (const dep of deps.get(moduleName(path))!.deps) assert.ok(order.indexOf(dep) > -1 && order.indexOf(dep) < i, `${dep} loads before ${path}`);
  });
});
