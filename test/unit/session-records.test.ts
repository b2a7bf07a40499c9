// Session records are data from disk, not paths to trust: a planted or damaged record must not
// lead gc's or stop's rm -rf outside the data folder's sessions/ (issue 12: "check runDir").
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readRecords, removeRecord, sessionWorkdir, writeRecord } from '../../electron/engine/sessions/registry.js';

const work = mkdtempSync(join(tmpdir(), 'session-records-'));
process.env.LABVISOR_DATA_DIR = join(work, 'data');
after(() => rmSync(work, { recursive: true, force: true }));

test('a record counts only under a session id in its own folder; its workdir is always its own', async () => {
  const victim = join(work, 'victim');
  mkdirSync(victim);
  writeFileSync(join(victim, 'precious.txt'), 'keep me');
  const good = await writeRecord({ id: 'abcd1234', lab: 'first-steps', labDir: '/labs/first-steps', engine: 'local' });
  const plant = (folder: string, record: object) => {
    mkdirSync(join(work, 'data', 'sessions', folder), { recursive: true });
    writeFileSync(join(work, 'data', 'sessions', folder, 'session.json'), JSON.stringify({ ...good, ...record }));
  };
  plant('zzzz9999', { id: 'zzzz9999', workdir: victim }); // a workdir pointing outside
  plant('yyyy8888', { id: '../../victim' }); // an id that climbs out
  plant('..', { id: '..' });
  plant('Not-An-Id', { id: 'Not-An-Id' });

  const records = await readRecords();
  assert.deepEqual(records.map((r) => r.id).sort(), ['abcd1234', 'zzzz9999']);
  for (const r of records) assert.equal(r.workdir, sessionWorkdir(r.id), `${r.id}'s workdir is its own`);

  for (const r of records) await removeRecord(r.id);
  for (const bad of ['../../victim', '..', '', 'abcd1234/../..', '/tmp']) {
    await assert.rejects(removeRecord(bad), /not a session id/, bad);
  }
  assert.ok(existsSync(join(victim, 'precious.txt')), 'nothing outside sessions/ was removed');
  assert.ok(!existsSync(join(work, 'data', 'sessions', 'abcd1234')));
});
