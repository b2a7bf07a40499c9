// The newc writer against real cpio programs: what it writes must unpack the same everywhere
// the kernel's unpacker agrees with (GNU cpio, busybox cpio).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NewcWriter } from '../../electron/engine/images/cpio-newc.js';

const work = mkdtempSync(join(tmpdir(), 'cpio-newc-'));
after(() => rmSync(work, { recursive: true, force: true }));

async function* chunks(...parts: string[]) { for (const p of parts) yield Buffer.from(p); }

async function sample(path: string): Promise<void> {
  const w = new NewcWriter(path);
  await w.add({ name: 'etc', type: 'directory', mode: 0o755, mtime: 1_700_000_000 });
  await w.add({ name: 'etc/motd', type: 'file', mode: 0o644, mtime: 1_700_000_000 }, Buffer.from('hello\n'));
  await w.add({ name: 'bin', type: 'directory', mode: 0o755 });
  const bb = await w.add({ name: 'bin/busybox', type: 'file', mode: 0o4755, size: 9 }, chunks('#!', '/bin/', 'sh'));
  await w.add({ name: 'bin/sh', type: 'symlink', mode: 0o777, linkname: 'busybox' });
  await w.link('bin/ash', bb);
  await w.add({ name: 'tmp', type: 'directory', mode: 0o1777 });
  await w.add({ name: 'tmp/empty', type: 'file', mode: 0o600, uid: 1000, gid: 100 });
  await w.finish();
}

const tools = {
  gnu: existsSync('/usr/bin/cpio') ? ['/usr/bin/cpio', '-idm', '--quiet'] : undefined,
  busybox: existsSync('/bin/busybox') ? ['/bin/busybox', 'cpio', '-idm'] : undefined,
};

test('the archive is newc: 070701 headers, 4-byte alignment, a trailer', async () => {
  const path = join(work, 'layout.cpio');
  await sample(path);
  const bytes = await readFile(path);
  assert.equal(bytes.subarray(0, 6).toString(), '070701');
  assert.equal(bytes.length % 4, 0);
  assert.match(bytes.subarray(-124).toString('latin1'), /070701.*TRAILER!!!\0/);
});

for (const [tool, argv] of Object.entries(tools)) {
  test(`${tool} cpio lists and unpacks it: modes, symlinks, hard links, data`, { skip: !argv && `no ${tool} cpio` }, async () => {
    const archive = join(work, `${tool}.cpio`);
    await sample(archive);
    const listed = execFileSync(argv![0]!, tool === 'gnu' ? ['-t', '--quiet', '-F', archive] : ['cpio', '-t', '-F', archive]).toString();
    // busybox makes a hard link without data at the end, without listing it.
    const names = ['etc', 'etc/motd', 'bin', 'bin/busybox', 'bin/sh', ...(tool === 'gnu' ? ['bin/ash'] : []), 'tmp', 'tmp/empty'];
    assert.deepEqual(listed.trim().split('\n'), names);

    const into = mkdtempSync(join(work, `${tool}-`));
    execFileSync(argv![0]!, [...argv!.slice(1), '-F', archive], { cwd: into });
    const at = (p: string) => join(into, p);
    assert.equal(await readFile(at('etc/motd'), 'utf8'), 'hello\n');
    assert.equal(await readFile(at('bin/busybox'), 'utf8'), '#!/bin/sh');
    assert.equal((await lstat(at('bin/busybox'))).mode & 0o7777, 0o4755);
    assert.equal((await lstat(at('tmp'))).mode & 0o7777, 0o1777);
    assert.equal((await lstat(at('tmp/empty'))).size, 0);
    assert.equal(await readlink(at('bin/sh')), 'busybox');
    const [ash, busybox] = await Promise.all([lstat(at('bin/ash')), lstat(at('bin/busybox'))]);
    assert.equal(ash.ino, busybox.ino, 'bin/ash is a hard link to bin/busybox');
    assert.equal(busybox.nlink, 2);
    assert.equal((await lstat(at('etc/motd'))).mtimeMs, 1_700_000_000_000);
  });
}

test('data that is not the size announced is an error', async () => {
  const w = new NewcWriter(join(work, 'short.cpio'));
  await assert.rejects(w.add({ name: 'f', type: 'file', mode: 0o644, size: 10 }, chunks('abc')), /expected 10 bytes of data, got 3/);
  w.abort();
});
