// A guest's initramfs must come out byte for byte the same for the same image on any machine:
// the VM boot image is keyed by its hash, and a machine that loaded a bundle must find that boot
// image instead of building one. `docker export` of a created container dates the files Docker
// makes at create (/etc/hosts …) now; packing clamps them to the image's creation.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pack } from 'tar-stream';
import { NewcWriter } from '../../electron/engine/images/cpio-newc.js';
import { packImageTar } from '../../electron/engine/images/guest-initramfs.js';
import { asNodeStream } from '../../electron/engine/images/build-image.js';

const work = mkdtempSync(join(tmpdir(), 'bundle-initramfs-'));
after(() => rmSync(work, { recursive: true, force: true }));

const CREATED_S = 1_700_000_000;

/** The export of a container created at `createdAtS` from an image made at CREATED_S. */
function exportAt(createdAtS: number) {
  const tar = pack();
  const image = new Date(CREATED_S * 1000 - 5000);
  const now = new Date(createdAtS * 1000);
  tar.entry({ name: 'bin/', type: 'directory', mode: 0o755, mtime: image });
  tar.entry({ name: 'bin/busybox', mode: 0o755, mtime: image }, 'BUSYBOX');
  tar.entry({ name: 'etc/', type: 'directory', mode: 0o755, mtime: now });
  tar.entry({ name: 'etc/hostname', mode: 0o644, mtime: now }, '');
  tar.entry({ name: 'etc/hosts', mode: 0o644, mtime: now }, '');
  tar.entry({ name: 'proc/', type: 'directory', mode: 0o755, mtime: now });
  tar.finalize();
  return asNodeStream(tar);
}

async function packed(name: string, createdAtS: number, latest?: number): Promise<Buffer> {
  const writer = new NewcWriter(join(work, name));
  await packImageTar(exportAt(createdAtS), writer, () => {}, latest);
  await writer.finish();
  return readFile(join(work, name));
}

test('two exports of one image, made at different times, pack to the same bytes', async () => {
  const monday = await packed('a.cpio', CREATED_S + 86_400, CREATED_S);
  const friday = await packed('b.cpio', CREATED_S + 5 * 86_400, CREATED_S);
  assert.ok(monday.equals(friday));
  // The image's own files keep their dates; the ones made at create get the image's.
  assert.ok(monday.includes(Buffer.from((CREATED_S - 5).toString(16).padStart(8, '0'))));
  assert.ok(!monday.includes(Buffer.from((CREATED_S + 86_400).toString(16).padStart(8, '0'))));
});

test('without the clamp they would differ: the clamp is what makes them equal', async () => {
  assert.ok(!(await packed('c.cpio', CREATED_S + 86_400)).equals(await packed('d.cpio', CREATED_S + 2 * 86_400)));
});
