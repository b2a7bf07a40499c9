// Issue 17, item 2, short version (`npm run soak` runs 100 + 20): start → solve every step → stop
// of a container lab and of a VM lab, through one long-lived `labvisor serve`. Nothing of those
// sessions may be left, and the server's memory and descriptors stay flat (test/soak/flatness.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runCycles } from '../soak/cycles.js';
import { flatnessProblems, leftoverProblems } from '../soak/flatness.js';
import { engineOrSkip, vmSkip } from './support.js';

const engine = await engineOrSkip();
const skip = await vmSkip(engine, 'Cycles of a VM lab');

test('3 cycles of first-steps and 2 of shared-kernel through one server leave nothing and grow nothing', { skip, timeout: 600_000 }, async () => {
  const r = await runCycles({ containerLab: 'first-steps', vmLab: 'shared-kernel', containerCycles: 3, vmCycles: 2 });
  assert.equal(r.container.cycles, 3);
  assert.equal(r.vm.cycles, 2);
  assert.equal(r.qemuSeen, 2, 'each VM session ran one QEMU process that we saw');
  assert.deepEqual(r.leftovers, { containers: [], volumes: [], networks: [], images: [], qemu: [], files: [] });
  assert.deepEqual([...flatnessProblems(r.container), ...flatnessProblems(r.vm), ...leftoverProblems(r)], []);
  // A sample is a real reading of the server process, not a default.
  assert.ok(r.container.rssKiB.first > 10 * 1024 && r.container.fds.first > 3, JSON.stringify(r.container.rssKiB));
});
