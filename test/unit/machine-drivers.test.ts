// One driver per machine kind behind one interface (issue 13, item 6): every kind the contract
// lists gets a driver of its own from drivers.ts, with start, runScript, terminalTarget, stop and
// facts; and the lab session never asks a machine what kind it is, so a new kind is a driver.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { MachineKind } from '../../electron/shared/api-types.js';
import { createDrivers } from '../../electron/engine/machines/drivers.js';
import type { SessionContext } from '../../electron/engine/machines/machine-driver.js';
import type { Machine } from '../../electron/engine/labs/schema.js';
import { packageRoot } from '../../electron/engine/paths.js';
import { noProgress } from '../../electron/engine/progress.js';

// Nothing here is called: the drivers are only made (no engine is asked for anything).
const ctx = {
  docker: {} as Docker, session: 'abcd1234', lab: { id: 'probe' },
  engine: { target: 'unix:///var/run/docker.sock', foundBy: 'test', version: '27.0.0', apiVersion: '1.46', os: 'Linux', kernel: '6.1.0', arch: 'x86_64', location: 'local' },
} as unknown as SessionContext;

test('each machine kind has its own driver, with the one interface', () => {
  const machines = MachineKind.options.map((kind) => ({ name: `m-${kind}`, kind, image: 'labvisor/base' }) as unknown as Machine);
  const drivers = createDrivers(machines, ctx, noProgress);
  assert.deepEqual(drivers.map((d) => [d.name, d.kind]), MachineKind.options.map((k) => [`m-${k}`, k]));
  assert.equal(new Set(drivers.map((d) => d.constructor)).size, MachineKind.options.length, 'a class per kind');
  for (const d of drivers) {
    for (const fn of ['start', 'runScript', 'terminalTarget', 'stop', 'facts', 'keep'] as const) assert.equal(typeof d[fn], 'function', `${d.kind}.${fn}`);
    assert.ok(d.runsOn === 'docker-host' || d.runsOn === 'computer', d.kind);
  }
  const by = Object.fromEntries(drivers.map((d) => [d.kind, d]));
  assert.equal(by['container']!.container, 'lv-abcd1234-m-container', 'a container can be started again by its name');
  assert.equal(by['docker-host']!.container, 'lv-abcd1234-m-docker-host');
  assert.equal(by['docker-host']!.runsOn, 'docker-host');
  assert.equal(by['learner-computer']!.runsOn, 'computer');
  assert.equal(by['learner-computer']!.container, undefined);
  assert.equal(by['vm']!.container, undefined, 'a VM is not started again with docker start');
});

test('the lab session and its step actions never branch on a machine\'s kind', () => {
  for (const file of ['lab-session.ts', 'step-actions.ts']) {
    const source = readFileSync(join(packageRoot(), 'electron', 'engine', 'sessions', file), 'utf8');
    assert.doesNotMatch(source, /\.kind\s*[!=]==|switch\s*\([^)]*\bkind\b|kind\s*===|\bcase\s+'(container|vm|docker-host|learner-computer)'/, file);
  }
});
