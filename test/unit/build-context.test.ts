// Every build context stays inside its lab folder: a symlinked image folder or Dockerfile is a
// lint problem, a context that resolves outside the lab or holds a symbolic link (a learner's key
// linked into images/app/) is refused before a byte goes to the engine (issue 12, build walls).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readContext } from '../../electron/engine/images/build-context.js';
import { findImages } from '../../electron/engine/labs/lab-files.js';

const work = mkdtempSync(join(tmpdir(), 'build-context-'));
after(() => rmSync(work, { recursive: true, force: true }));

const outside = join(work, 'outside');
mkdirSync(outside);
writeFileSync(join(outside, 'Dockerfile'), 'FROM labvisor/base\nCOPY . /stolen\n');
writeFileSync(join(outside, 'id_rsa'), 'PRIVATE KEY');

test('an image folder or Dockerfile that is a symbolic link is no build context', async () => {
  const lab = join(work, 'lab-links');
  mkdirSync(join(lab, 'images', 'real'), { recursive: true });
  writeFileSync(join(lab, 'images', 'real', 'Dockerfile'), 'FROM labvisor/base\n');
  symlinkSync(outside, join(lab, 'images', 'linked'));
  mkdirSync(join(lab, 'images', 'borrowed'));
  symlinkSync(join(outside, 'Dockerfile'), join(lab, 'images', 'borrowed', 'Dockerfile'));
  const { images, problems } = await findImages(lab);
  assert.deepEqual(Object.keys(images), ['real']);
  assert.deepEqual(problems, [
    '"images/borrowed/Dockerfile" is a symbolic link; it must be a regular file',
    '"images/linked" is a symbolic link: image build contexts must be real folders inside the lab folder',
  ]);
});

test('a context outside the lab, or holding a symbolic link, is refused; a real one is read whole', async () => {
  const lab = join(work, 'lab-context');
  const app = join(lab, 'images', 'app');
  mkdirSync(join(app, 'etc'), { recursive: true });
  writeFileSync(join(app, 'Dockerfile'), 'FROM labvisor/base\nCOPY etc /etc/app\n');
  writeFileSync(join(app, 'etc', 'app.conf'), 'port=8080\n');
  assert.deepEqual((await readContext(app, lab)).map((f) => f.path), ['Dockerfile', 'etc/app.conf']);
  await assert.rejects(readContext(outside, lab), /a build context must be a folder inside/);
  await assert.rejects(readContext(lab, lab), /a build context must be a folder inside/, 'the lab folder itself is no context');
  symlinkSync(join(outside, 'id_rsa'), join(app, 'etc', 'key'));
  await assert.rejects(readContext(app, lab), /etc\/key: symbolic links are not allowed in an image's build context/);
});
