// A lab whose VM cannot have a runner image (none on the engine, no QEMU here to make one, no
// registry): the VM is unavailable with one line on how to get one, and the lab's container
// machine starts and runs all the same. Nothing half-made is left: no runner image, no session.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { loadLab } from '../../electron/engine/labs/load.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { LabSession } from '../../electron/engine/sessions/lab-session.js';
import { engineOrSkip, fixture, labelled, nothing, withEnv } from './support.js';

const engine = await engineOrSkip();
const ABSENT = `labvisor-test/no-runner:${process.pid}`;

describe('no VM runner image to be had', { skip: engine.skip }, () => {
  test('the VM is unavailable with one line naming a bundle, a registry and QEMU; the container machine runs', async () => {
    const docker = engine.docker as Docker;
    // No image under that name, an empty folder for QEMU, and no registry to build from.
    const env = { LABVISOR_QEMU_IMAGE: ABSENT, LABVISOR_QEMU_BIN_DIR: mkdtempSync(join(tmpdir(), 'lv-no-qemu-')), LABVISOR_OFFLINE: '1' };
    const session = new LabSession(docker, engine.info as EngineInfo, await loadLab(fixture('vm-lab')));
    await withEnv(env, async () => {
      try {
        await session.start();
        const vm = session.machines.find((m) => m.name === 'vm')!;
        assert.ok(vm.unavailable, JSON.stringify(vm));
        assert.doesNotMatch(vm.unavailable, /\n/, 'one line');
        assert.ok(vm.unavailable.startsWith(`no VM runner image (${ABSENT}): `), vm.unavailable);
        assert.match(vm.unavailable, /docker load .*bundle.*registry.*install QEMU/);
        const box = await session.runScript('box', 'echo container-runs', 20_000);
        assert.equal(box.output, 'container-runs\n');
        const onVm = await session.runScript('vm', 'true', 5_000);
        assert.equal(onVm.notRun, true);
        assert.match(onVm.output, /machine "vm" is unavailable: no VM runner image/);
      } finally {
        await session.stop();
      }
    });
    assert.deepEqual(await labelled(docker, session.id), nothing);
    await assert.rejects(docker.getImage(ABSENT).inspect(), /no such image/i, 'no runner image was half-made');
  });
});
