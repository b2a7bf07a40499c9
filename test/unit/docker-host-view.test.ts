import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dockerHostBanner } from '../../electron/engine/machines/docker-host.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';

const engine = (location: EngineInfo['location'], target = 'unix:///var/run/docker.sock'): EngineInfo => ({
  target, foundBy: 'test', version: '27.0.0', apiVersion: '1.46', os: 'Docker Desktop', kernel: '6.10.14-linuxkit', arch: 'aarch64', location,
});

test('the Docker host view says which machine it is: this computer, the engine\'s VM, or a server', () => {
  assert.match(dockerHostBanner(engine('local')), /^This shell runs on the Docker host: your computer \(Docker Desktop, kernel 6\.10\.14-linuxkit\)\./);
  assert.match(dockerHostBanner(engine('vm')), /the Linux VM \(Docker Desktop, kernel 6\.10\.14-linuxkit\) that runs Docker for your computer\. The lab's containers share its kernel, not your computer's\./);
  assert.match(dockerHostBanner(engine('remote', 'ssh://me@lab-server')), /Docker host: ssh:\/\/me@lab-server, the machine that runs your Docker engine/);
});
