// From the tar of `docker export` to the guest's cpio: what is kept, what is left out, and hard
// links kept as links (the registry's busybox image has hundreds of them).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { lstat, readFile, readlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from 'tar-stream';
import { NewcWriter } from '../../electron/engine/images/cpio-newc.js';
import { packImageTar } from '../../electron/engine/images/guest-initramfs.js';
import { asNodeStream } from '../../electron/engine/images/build-image.js';

const work = mkdtempSync(join(tmpdir(), 'guest-pack-'));
after(() => rmSync(work, { recursive: true, force: true }));

function exportedImage() {
  const tar = pack();
  const mtime = new Date(1_700_000_000_000);
  tar.entry({ name: '.dockerenv', mode: 0o755, mtime }, '');
  tar.entry({ name: 'bin/', type: 'directory', mode: 0o755, mtime });
  tar.entry({ name: 'bin/busybox', mode: 0o755, mtime }, 'BUSYBOX');
  tar.entry({ name: 'bin/ls', type: 'link', linkname: 'bin/busybox', mtime });
  tar.entry({ name: 'bin/sh', type: 'symlink', linkname: '/bin/busybox', mtime });
  tar.entry({ name: 'dev/', type: 'directory', mode: 0o755, mtime });
  tar.entry({ name: 'dev/console', mode: 0o755, mtime }, '');
  tar.entry({ name: 'dev/null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666, mtime });
  tar.entry({ name: 'init', mode: 0o755, mtime }, 'the image\'s own /init');
  tar.entry({ name: 'etc/.wh.old', mode: 0o644, mtime }, '');
  tar.entry({ name: 'usr/bin/passwd', mode: 0o4755, mtime }, 'PASSWD');
  tar.entry({ name: 'run/fifo', type: 'fifo', mode: 0o644, mtime });
  tar.finalize();
  return asNodeStream(tar);
}

test('an exported image becomes cpio entries: files, links, modes kept; /dev, .dockerenv, whiteouts, devices and /init left out',
  { skip: !existsSync('/usr/bin/cpio') && 'no GNU cpio' }, async () => {
    const archive = join(work, 'image.cpio');
    const writer = new NewcWriter(archive);
    await packImageTar(exportedImage(), writer);
    await writer.finish();
    assert.equal(writer.count, 6);
    const listed = execFileSync('cpio', ['-t', '--quiet', '-F', archive]).toString().trim().split('\n');
    assert.deepEqual(listed, ['bin', 'bin/busybox', 'bin/ls', 'bin/sh', 'dev', 'usr/bin/passwd']);
    const into = mkdtempSync(join(work, 'out-'));
    execFileSync('cpio', ['-idm', '--quiet', '-F', archive], { cwd: into });
    assert.equal(await readFile(join(into, 'bin/busybox'), 'utf8'), 'BUSYBOX');
    assert.equal((await lstat(join(into, 'bin/ls'))).ino, (await lstat(join(into, 'bin/busybox'))).ino);
    assert.equal(await readlink(join(into, 'bin/sh')), '/bin/busybox');
    assert.equal((await lstat(join(into, 'usr/bin/passwd'))).mode & 0o7777, 0o4755);
    assert.equal((await lstat(join(into, 'bin/busybox'))).mtimeMs, 1_700_000_000_000);
  });
