// The catalog side of LabHost, without an engine: the prefetched catalog is the first answer and
// only the first, labs load in their folder order, and progress needs only the lab's folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledLabsDir } from '../../electron/engine/paths.js';
import { nextOnPath } from '../../electron/shared/learning-path.js';

process.env.LABVISOR_DATA_DIR = mkdtempSync(join(tmpdir(), 'labvisor-catalog-'));
process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock'; // prefetch's engine connection fails at once
const { LabHost } = await import('../../electron/host-common/lab-host.js');

const ids = (r: { labs: Array<{ id: string }> }) => r.labs.map((l) => l.id);

test('prefetch: the next listLabs is that answer, the one after reads the folder again', async () => {
  const labsDir = mkdtempSync(join(tmpdir(), 'labvisor-labs-'));
  for (const id of ['first-steps', 'volume-backup']) cpSync(join(bundledLabsDir(), id), join(labsDir, id), { recursive: true });
  const host = new LabHost({ labsDir });
  await host.prefetch();
  rmSync(join(labsDir, 'volume-backup'), { recursive: true });
  assert.deepEqual(ids(await host.listLabs()), ['first-steps', 'volume-backup'], 'read when prefetch was called');
  assert.deepEqual(ids(await host.listLabs()), ['first-steps'], 'read again');
});

test('the bundled catalog is the learning path in its order, though labs load in parallel; Next leads from first-steps to the capstone through every lab', async () => {
  const { labs } = await new LabHost().listLabs();
  const path = [
    'first-steps', 'shared-kernel', 'volume-backup', 'image-layers', 'rebuild-not-patch', 'spin-up-and-size', 'noisy-neighbours',
    'vms-host-containers', 'vm-state', 'isolation-surface', 'breakout', 'scope', 'pick-by-scope',
  ];
  assert.deepEqual(labs.map((l) => l.id), path);
  assert.deepEqual(labs.map((l) => l.order), path.map((_, i) => i + 1));
  const followed = ['first-steps'];
  for (let next = nextOnPath(labs, 'first-steps'); next; next = nextOnPath(labs, next.id)) followed.push(next.id);
  assert.deepEqual(followed, path, 'the capstone is last: it offers no next lab');
});

test('getProgress: a bundled lab answers, an unknown one is not-found with the list', async () => {
  const host = new LabHost();
  assert.deepEqual(await host.getProgress({ lab: 'first-steps' }), { lab: 'first-steps', passed: [], hintsShown: {}, solutionsShown: [] });
  await assert.rejects(host.getProgress({ lab: 'nope' }), (err: Error & { code?: string }) =>
    err.code === 'not-found' && /no lab "nope"; there are: .*first-steps/.test(err.message));
});

test('an opened lab folder: linted, listed with its trust reasons, refused until trusted, asked again once edited', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'labvisor-open-')), 'capabilities');
  cpSync(join(bundledLabsDir(), '..', 'test', 'fixtures', 'hostile', 'capabilities'), dir, { recursive: true });
  const host = new LabHost();
  const opened = await host.openLabFolder({ path: dir });
  assert.equal(opened.lab.source, 'folder');
  assert.equal(opened.trust.trusted, false);
  assert.deepEqual(opened.trust.reasons.map((r) => r.where), ['lab.yaml:12:27', 'lab.yaml:12:38', 'lab.yaml:12:50']);
  assert.match(opened.trust.reasons[0]!.message, /SYS_ADMIN: .*root on the Docker host/);
  const listed = (await host.listLabs()).labs.find((l) => l.id === 'capabilities');
  assert.equal(listed?.trust?.trusted, false);

  // Refused before the engine is asked for anything (this test has none).
  await assert.rejects(host.startLab({ lab: 'capabilities' }), (err: Error) => err.name === 'TrustRequiredError' && /SYS_ADMIN/.test(err.message));
  await assert.rejects(host.trustLab({ lab: 'capabilities', hash: '0'.repeat(64) }), (err: Error & { code?: string }) => err.code === 'conflict');
  assert.equal((await host.trustLab({ lab: 'capabilities', hash: opened.trust.hash })).trusted, true);
  assert.equal((await host.openLabFolder({ path: dir })).trust.trusted, true, 'remembered for this content');
  assert.equal((await new LabHost().listLabs()).labs.find((l) => l.id === 'capabilities')?.trust?.trusted, true, 'and across restarts');

  writeFileSync(join(dir, 'steps', 'one.md'), '# One\n\nChanged.\n');
  assert.equal((await host.openLabFolder({ path: dir })).trust.trusted, false, 'an edited lab asks again');
  await host.closeLabFolder({ lab: 'capabilities' });
  assert.equal((await host.listLabs()).labs.some((l) => l.id === 'capabilities'), false);
});

test('opening a folder that is no lab, or a relative path, or a bundled lab\'s id: a clear error, nothing added', async () => {
  const host = new LabHost();
  await assert.rejects(host.openLabFolder({ path: 'labs/first-steps' }), /not an absolute path/);
  const broken = join(mkdtempSync(join(tmpdir(), 'labvisor-open-')), 'broken');
  mkdirSync(broken);
  writeFileSync(join(broken, 'lab.yaml'), 'id: broken\ntitle: [unclosed\n');
  await assert.rejects(host.openLabFolder({ path: broken }), (err: Error & { code?: string }) => err.code === 'bad-request' && /lab\.yaml:\d+:\d+/.test(err.message));
  const clash = join(mkdtempSync(join(tmpdir(), 'labvisor-open-')), 'first-steps');
  cpSync(join(bundledLabsDir(), 'first-steps'), clash, { recursive: true });
  await assert.rejects(host.openLabFolder({ path: clash }), /a bundled lab is called "first-steps"/);
  assert.deepEqual((await host.listLabs()).labs.filter((l) => l.source === 'folder'), []);
});

test('opening a bundled lab\'s own folder lists it once, as bundled and trusted', async () => {
  const host = new LabHost();
  const opened = await host.openLabFolder({ path: join(bundledLabsDir(), 'first-steps') });
  assert.equal(opened.lab.source, 'bundled');
  assert.ok(opened.trust.reasons.length > 0, 'it has a host machine');
  assert.equal(opened.trust.trusted, true);
  assert.equal((await host.listLabs()).labs.filter((l) => l.id === 'first-steps').length, 1);
});
