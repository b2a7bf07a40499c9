// Issue 17, item 3 (the same scenario `npm run soak` runs): eight labs started at once from one
// server, and two servers started at once on one engine, both building one new lab image at the
// same moment. All start; no session names or carries another's label; stopping one leaves the
// others as they were; `labvisor gc` while they run spares them; nothing is left after.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runConcurrency } from '../soak/concurrency.js';
import { CONCURRENT_LABS } from '../soak/concurrent-labs.js';
import { engineOrSkip, vmSkip } from './support.js';

const engine = await engineOrSkip();
const skip = await vmSkip(engine, 'Eight labs at once (one has a VM)');

test('eight labs from one server and two servers at once: all start, none touches another, gc spares them', { skip, timeout: 600_000 }, async () => {
  const r = await runConcurrency(CONCURRENT_LABS);
  assert.deepEqual(r.oneServer.problems, []);
  assert.equal(r.oneServer.sessions, 8);
  assert.deepEqual(r.twoServers.problems, []);
  assert.equal(r.twoServers.sessions, 2 * (CONCURRENT_LABS.perServerLabs.length + 1));
  assert.equal(r.twoServers.gcRuns, 2);
  assert.ok(r.twoServers.racedBuilds >= 1, 'the new lab image was built by one server or both');
  assert.equal(r.twoServers.raceImages, 1, 'the image both servers built at once is one image after, not one per build');
});
