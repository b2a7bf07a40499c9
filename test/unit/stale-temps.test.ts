// What the next start removes of a killed process's temps: the names carry their writer's PID,
// and only the temps of writers that are gone go (a live app's half-written cache stays).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { kernelUnpackPrefix, kernelUnpackWriter, tempPath, tempWriter } from '../../electron/engine/images/temp-names.js';
import { findStaleTemps, findTornSessionFolders, removeStaleTemps } from '../../electron/engine/sessions/stale-files.js';

const work = mkdtempSync(join(tmpdir(), 'stale-temps-'));
process.env.LABVISOR_DATA_DIR = work;
after(() => rmSync(work, { recursive: true, force: true }));

/** The PID of a process that has exited. */
const deadPid = () => spawnSync('true').pid!;

test('temp names carry the writer\'s PID; other names have none', () => {
  const t = tempPath('/data/guests/abc.cpio.gz');
  assert.match(t, new RegExp(`^/data/guests/\\.abc\\.cpio\\.gz\\.${process.pid}-[0-9a-f]{8}\\.tmp$`));
  assert.equal(tempWriter(t), process.pid);
  assert.equal(tempWriter('lab.json.4242.tmp'), 4242, 'the progress and trust stores\' temps');
  for (const name of ['abc.cpio.gz', 'notes.tmp', 'x.abc.tmp', '4242.json']) assert.equal(tempWriter(name), undefined, name);
  assert.equal(kernelUnpackWriter(`${kernelUnpackPrefix().split('/').pop()}Ab12Cd`), process.pid);
  assert.equal(kernelUnpackWriter('labvisor-ssh-Ab12Cd'), undefined);
});

test('only the temps of dead writers are found and removed, folders whole; caches and live temps stay', async () => {
  const dead = deadPid();
  const at = (...p: string[]) => join(work, ...p);
  mkdirSync(at('guests'), { recursive: true });
  mkdirSync(at('bundles', 'labs', `.lab-a.${dead}-0badf00d.tmp`, 'steps'), { recursive: true });
  mkdirSync(at('kernels', `.6.1.0.${dead}-0123abcd.tmp`, 'lib'), { recursive: true });
  mkdirSync(at('progress'), { recursive: true });
  const staleFiles = [at('guests', `.x.cpio.gz.${dead}-deadbeef.tmp`), at('progress', `lab-a.json.${dead}.tmp`)];
  const kept = [at('guests', 'x.cpio.gz'), at('guests', `.y.cpio.gz.${process.pid}-cafebabe.tmp`), at('guests', 'notes.tmp')];
  for (const f of [...staleFiles, ...kept]) writeFileSync(f, 'x');
  const kernelUnpack = mkdtempSync(join(tmpdir(), `labvisor-kernel-${dead}-`));

  const found = (await findStaleTemps()).filter((p) => p.startsWith(work) || p === kernelUnpack).sort();
  const expected = [...staleFiles, at('bundles', 'labs', `.lab-a.${dead}-0badf00d.tmp`), at('kernels', `.6.1.0.${dead}-0123abcd.tmp`), kernelUnpack].sort();
  assert.deepEqual(found, expected);
  assert.deepEqual(await removeStaleTemps(found), []);
  for (const p of expected) assert.equal(existsSync(p), false, p);
  for (const p of kept) assert.equal(existsSync(p), true, p);
});

test('a session folder whose record was never written is found once it is a minute old; one with a record, or new, is not', async () => {
  const sessions = join(work, 'sessions');
  for (const id of ['torn0001', 'fresh001', 'rec00001']) mkdirSync(join(sessions, id, 'work'), { recursive: true });
  const old = new Date(Date.now() - 5 * 60_000);
  utimesSync(join(sessions, 'torn0001'), old, old);
  utimesSync(join(sessions, 'rec00001'), old, old);
  assert.deepEqual(await findTornSessionFolders(new Set(['rec00001'])), [join(sessions, 'torn0001')]);
});
