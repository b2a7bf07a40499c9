// bundle create's refusals, before it asks the engine anything: a platform the engine cannot
// make, a lab that is neither bundled nor a folder. Nothing is written.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import { createBundle } from '../../electron/engine/images/bundle-create.js';
import { BundleError } from '../../electron/engine/images/bundle-error.js';
import { resolveLabs } from '../../electron/engine/images/bundle-labs.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';

const work = mkdtempSync(join(tmpdir(), 'bundle-create-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** An engine that fails the test if it is asked anything. */
const untouched = new Proxy({}, { get: (_, key) => { throw new Error(`the engine was asked for ${String(key)}`); } }) as Docker;
const amd64 = { arch: 'x86_64', os: 'linux' } as EngineInfo;

test('another platform than the engine\'s is refused with what to do instead', async () => {
  const file = join(work, 'arm.bundle');
  await assert.rejects(createBundle(untouched, amd64, file, { platforms: ['linux/amd64', 'linux/arm64'] }), (e: Error) =>
    e instanceof BundleError &&
    e.message === `${file}: this engine runs linux/amd64 and can make images for linux/amd64 only, not linux/arm64: run \`labvisor bundle create\` on an engine of that platform`);
  assert.deepEqual(readdirSync(work), []);
});

test('an unknown lab id is named, with the bundled ids', async () => {
  await assert.rejects(createBundle(untouched, amd64, join(work, 'x.bundle'), { labs: ['no-such-lab'] }), (e: Error) =>
    e instanceof BundleError && /^"no-such-lab" is neither a bundled lab \(.*shared-kernel.*\) nor a lab folder \(no lab\.yaml in .*no-such-lab\)$/.test(e.message));
  assert.deepEqual(readdirSync(work), []);
});

test('a folder that does not exist is named before any lab starts', async () => {
  const file = join(work, 'no-such-folder', 'x.bundle');
  await assert.rejects(createBundle(untouched, amd64, file), (e: Error) =>
    e instanceof BundleError && e.message === `cannot write ${file}: the folder ${join(work, 'no-such-folder')} does not exist`);
});

test('no --labs means every bundled lab; a lab named twice is refused', async () => {
  const all = await resolveLabs();
  assert.ok(all.length >= 13 && all.some((l) => l.lab.id === 'shared-kernel'));
  await assert.rejects(resolveLabs(['scope', 'scope']), /lab "scope" is named twice/);
});
