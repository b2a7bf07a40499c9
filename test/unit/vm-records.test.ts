// gc trusts a VM record's runDir only as far as it looks like one VmMachine made: a record
// pointing elsewhere, or a symlink in its place, is forgotten but what it points at survives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectVms, readVmRecords, runDirRefusal, writeVmRecord } from '../../electron/engine/machines/vm/vm-records.js';

process.env.LABVISOR_DATA_DIR = mkdtempSync(join(tmpdir(), 'labvisor-records-'));
/** No such process: killRecordedVm leaves it alone. */
const NO_PID = 99_999_999;

/** A folder of the learner's, with a file in it. */
function precious(): string {
  const dir = mkdtempSync(join(tmpdir(), 'labvisor-precious-'));
  writeFileSync(join(dir, 'thesis.txt'), 'years of work');
  return dir;
}

test('a forged record pointing at another folder: the record goes, the folder stays, and gc says why', async () => {
  const victim = precious();
  const nested = join(victim, 'lv-forged01-vm-abcdef');
  mkdirSync(nested);
  await writeVmRecord('forged01', 'vm', NO_PID, victim);
  await writeVmRecord('forged01', 'vm2', NO_PID, nested);
  await writeVmRecord('forged01', 'vm3', NO_PID, `${tmpdir()}/lv-forged01-vm3-abcdef/../lv-forged01-vm3-ghijkl`);
  const taken = await collectVms({ session: 'forged01' });
  assert.equal(taken.length, 3);
  const kept = Object.fromEntries(taken.map((t) => [t.machine, t.runDirKept]));
  assert.equal(kept.vm, `${victim} is not named lv-forged01-vm-XXXXXX`);
  assert.match(kept.vm2!, /is not directly in/);
  assert.match(kept.vm3!, /is not directly in/);
  assert.ok(existsSync(join(victim, 'thesis.txt')) && existsSync(nested));
  assert.equal((await readVmRecords()).filter((r) => r.session === 'forged01').length, 0, 'the records are forgotten');
});

test('a runDir named for another session or machine, or not as mkdtemp names it, stays', async () => {
  for (const [machine, name] of [['vm', 'lv-other001-vm-abcdef'], ['vm', 'lv-forged02-vmx-abcdef'], ['vm', 'lv-forged02-vm-abc'], ['vm', 'lv-forged02-vm-abc/ef']] as const) {
    const dir = join(tmpdir(), name);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'keep'), '');
    await writeVmRecord('forged02', machine, NO_PID, dir);
    const [taken] = await collectVms({ session: 'forged02' });
    assert.ok(taken!.runDirKept, name);
    assert.ok(existsSync(join(dir, 'keep')), name);
    await rm(join(tmpdir(), name.split('/')[0]!), { recursive: true });
  }
});

test('a symlink where the runDir was: the link is left, its target is untouched', async () => {
  const victim = precious();
  const link = join(tmpdir(), `lv-forged03-vm-${Math.random().toString(36).slice(2, 8).padEnd(6, '0')}`);
  symlinkSync(victim, link);
  try {
    await writeVmRecord('forged03', 'vm', NO_PID, link);
    const [taken] = await collectVms({ session: 'forged03' });
    assert.equal(taken!.runDirKept, `${link} is a symbolic link`);
    assert.ok(lstatSync(link).isSymbolicLink());
    assert.ok(existsSync(join(victim, 'thesis.txt')));
  } finally {
    await rm(link);
  }
});

test('a runDir as VmMachine makes it is removed', async () => {
  const runDir = mkdtempSync(join(tmpdir(), 'lv-real0001-vm-'));
  writeFileSync(join(runDir, 'qemu.pid'), '1');
  await writeVmRecord('real0001', 'vm', NO_PID, runDir);
  assert.equal(await runDirRefusal((await readVmRecords()).find((r) => r.session === 'real0001')!), undefined);
  const [taken] = await collectVms({ session: 'real0001' });
  assert.equal(taken!.runDirKept, undefined);
  assert.ok(!existsSync(runDir));
});
