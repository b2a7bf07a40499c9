// The Docker host view's image, made offline from this computer's docker CLI on a throwaway tag
// (the real labvisor/docker-host is left alone), and what a container of it can do on the
// engine: reach the engine through the socket, see the host's processes.
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { DockerHostViewUnavailableError, ensureDockerHostImage } from '../../electron/engine/images/docker-host-image.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { runContainerScript } from '../../electron/engine/machines/container-exec.js';
import { helperLabels } from '../../electron/engine/labels.js';
import { engineOrSkip, withEnv } from './support.js';

const engine = await engineOrSkip();


describe('labvisor/docker-host without a registry', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;
  const ref = `labvisor/test-docker-host-${randomBytes(4).toString('hex')}:1`;
  after(async () => { await docker.getImage(ref).remove({ force: true }).catch(() => {}); });

  test('no registry and no usable CLI: what was tried and what to do; no image', async () => {
    const err = await withEnv({ LABVISOR_OFFLINE: '1', LABVISOR_DOCKER_CLI: '/etc/hostname' },
      () => ensureDockerHostImage(docker, info, undefined, ref)).then(() => undefined, (e: unknown) => e);
    assert.ok(err instanceof DockerHostViewUnavailableError);
    assert.match(err.message, /local CLI: \/etc\/hostname is not an ELF binary/);
    assert.match(err.message, /registry: skipped \(LABVISOR_OFFLINE=1\)/);
    assert.match(err.message, /Fix: install the docker CLI/);
    await assert.rejects(docker.getImage(ref).inspect(), /no such image/i);
  });

  test('made from the local docker CLI and its libraries; in the host\'s PID namespace with the socket it drives the engine', async () => {
    const source = await withEnv({ LABVISOR_OFFLINE: '1' }, () => ensureDockerHostImage(docker, info, undefined, ref));
    assert.equal(source, 'local-cli');
    assert.equal(await ensureDockerHostImage(docker, info, undefined, ref), 'present');
    const c = await docker.createContainer({
      Image: ref, Cmd: ['sleep', '60'], Labels: helperLabels(),
      HostConfig: { PidMode: 'host', NetworkMode: 'none', Mounts: [{ Type: 'bind', Source: '/var/run/docker.sock', Target: '/var/run/docker.sock' }] },
    });
    try {
      await c.start();
      const r = await runContainerScript(docker, c.id, 'docker version --format "{{.Server.Version}}"; ls -d /proc/1 && test "$PWD" = /lab && echo in-lab', { timeoutMs: 20_000 });
      assert.equal(r.exitCode, 0, r.output);
      assert.match(r.output, new RegExp(`^${info.version.replace(/[.+]/g, '\\$&')}\\n/proc/1\\nin-lab\\n$`));
    } finally {
      await c.remove({ force: true });
    }
  });
});
