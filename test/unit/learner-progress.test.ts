// Learner progress in the data dir: saved whole, read back, damaged files read as empty, cleared.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

process.env.LABVISOR_DATA_DIR = mkdtempSync(join(tmpdir(), 'labvisor-progress-'));
const { clearProgress, emptyProgress, forgetChecked, readProgress, writeProgress } = await import('../../electron/engine/learner-progress.js');

test('nothing saved: empty progress', async () => {
  assert.deepEqual(await readProgress('volume-backup'), emptyProgress('volume-backup'));
});

test('saved progress survives a new read (a restart) and start over clears it', async () => {
  const saved = await writeProgress({ lab: 'shared-kernel', currentStep: 'compare-kernels', passed: ['find-the-process'], hintsShown: { 'compare-kernels': 1 }, solutionsShown: [] });
  assert.match(saved.updatedAt ?? '', /^\d{4}-\d\d-\d\dT/);
  assert.deepEqual(await readProgress('shared-kernel'), saved);
  await clearProgress('shared-kernel');
  assert.deepEqual(await readProgress('shared-kernel'), emptyProgress('shared-kernel'));
});

test('a damaged file reads as what can be trusted in it, or as empty', async () => {
  mkdirSync(join(process.env.LABVISOR_DATA_DIR!, 'progress'), { recursive: true });
  writeFileSync(join(process.env.LABVISOR_DATA_DIR!, 'progress', 'a.json'), '{"passed": ["x", 3], "hintsShown": {"x": -1, "y": 2}}');
  assert.deepEqual(await readProgress('a'), { lab: 'a', passed: ['x'], hintsShown: { y: 2 }, solutionsShown: [] });
  writeFileSync(join(process.env.LABVISOR_DATA_DIR!, 'progress', 'b.json'), '{not json');
  assert.deepEqual(await readProgress('b'), emptyProgress('b'));
});

test('after a Reset only the steps passed by a check lose their mark', () => {
  const p = { ...emptyProgress('a'), currentStep: 'ask', passed: ['intro', 'run', 'ask'], hintsShown: { run: 1 }, solutionsShown: ['run'] };
  assert.deepEqual(forgetChecked(p, ['run', 'store']), { ...p, passed: ['intro', 'ask'] });
});
