// The offline base image provider against the real engine, on a throwaway tag so the real
// labvisor/base is left alone.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { ensureBaseImage } from '../../electron/engine/images/base-image.js';
import { BaseImageUnavailableError } from '../../electron/engine/errors.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import type { ProgressEvent } from '../../electron/engine/progress.js';
import { joinLogFrames } from '../../electron/engine/machines/container-logs.js';
import { engineOrSkip, withEnv } from './support.js';

const engine = await engineOrSkip();


describe('labvisor/base without a registry', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;
  const ref = `labvisor/test-base-${randomBytes(4).toString('hex')}:latest`;
  after(async () => { await docker.getImage(ref).remove({ force: true }).catch(() => {}); });

  test('no registry and no usable busybox: a message that says what was tried and what to do', async () => {
    const err = await withEnv({ LABVISOR_OFFLINE: '1', LABVISOR_BUSYBOX: process.execPath },
      () => ensureBaseImage(docker, info, undefined, ref)).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof BaseImageUnavailableError);
    assert.match(err.message, /registry: skipped \(LABVISOR_OFFLINE=1\)/);
    assert.match(err.message, /dynamically linked/);
    assert.match(err.message, /Fix: install a static busybox/);
    await assert.rejects(docker.getImage(ref).inspect(), /no such image/i);
  });

  test('made from the host\'s static busybox with docker import, with progress; then reused', async () => {
    const events: ProgressEvent[] = [];
    const source = await withEnv({ LABVISOR_OFFLINE: '1', LABVISOR_BUSYBOX: '/bin/busybox' },
      () => ensureBaseImage(docker, info, (e) => events.push(e), ref));
    assert.equal(source, 'host-busybox');
    assert.deepEqual(events.map((e) => [e.phase, e.state]), [['importing /bin/busybox (registry: skipped (LABVISOR_OFFLINE=1))', undefined], ['imported /bin/busybox', 'done']]);
    const image = await docker.getImage(ref).inspect();
    assert.equal(image.Config.Labels?.['io.labvisor.role'], 'base');
    assert.deepEqual(image.Config.Cmd, ['/bin/sh']);

    const container = await docker.createContainer({
      Image: ref, Cmd: ['sh', '-c', 'echo $((6*7)); which httpd tar wget sha256sum; ls -ld /tmp'],
    });
    await container.start();
    await container.wait();
    const logs = joinLogFrames(await container.logs({ stdout: true, stderr: true, follow: false }));
    await container.remove();
    assert.match(logs, /42/);
    for (const applet of ['httpd', 'tar', 'wget', 'sha256sum']) assert.match(logs, new RegExp(`/${applet}\\b`));
    assert.match(logs, /drwxrwxrwt/, '/tmp is sticky and world-writable');

    assert.equal(await ensureBaseImage(docker, info, undefined, ref), 'present');
  });
});
