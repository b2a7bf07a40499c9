// The catalog side of LabHost, without an engine: the prefetched catalog is the first answer and
// only the first, labs load in their folder order, and progress needs only the lab's folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledLabsDir } from '../../electron/engine/paths.js';

process.env.LABVISOR_DATA_DIR = mkdtempSync(join(tmpdir(), 'labvisor-catalog-'));
process.env.DOCKER_HOST = 'unix:///nonexistent/docker.sock'; // prefetch's engine connection fails at once
const { LabHost } = await import('../../electron/server/lab-api.js');

const ids = (r: { labs: Array<{ id: string }> }) => r.labs.map((l) => l.id);

test('prefetch: the next listLabs is that answer, the one after reads the folder again', async () => {
  const labsDir = mkdtempSync(join(tmpdir(), 'labvisor-labs-'));
  for (const id of ['first-steps', 'volume-backup']) cpSync(join(bundledLabsDir(), id), join(labsDir, id), { recursive: true });
  const host = new LabHost({ labsDir });
  host.prefetch();
  await new Promise((r) => setTimeout(r, 1000)); // two labs load in well under that
  rmSync(join(labsDir, 'volume-backup'), { recursive: true });
  assert.deepEqual(ids(await host.listLabs()), ['first-steps', 'volume-backup'], 'read when prefetch was called');
  assert.deepEqual(ids(await host.listLabs()), ['first-steps'], 'read again');
});

test('the bundled catalog keeps the folder order, though labs load in parallel', async () => {
  const { labs } = await new LabHost().listLabs();
  const sorted = [...labs].map((l) => l.id).sort();
  assert.equal(labs.length, 8);
  assert.deepEqual(labs.map((l) => l.id), sorted);
});

test('getProgress: a bundled lab answers, an unknown one is not-found with the list', async () => {
  const host = new LabHost();
  assert.deepEqual(await host.getProgress({ lab: 'first-steps' }), { lab: 'first-steps', passed: [], hintsShown: {}, solutionsShown: [] });
  await assert.rejects(host.getProgress({ lab: 'nope' }), (err: Error & { code?: string }) =>
    err.code === 'not-found' && /no bundled lab "nope"; there are: .*first-steps/.test(err.message));
});
