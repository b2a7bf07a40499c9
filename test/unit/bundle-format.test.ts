// The bundle file: a plain tar (other tools list it), the manifest first, every payload checked
// against the manifest's size and sha256, and each kind of bad file refused in words.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { open, readFile, stat, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extract } from 'tar-stream';
import { BundleError } from '../../electron/engine/images/bundle-error.js';
import { parseManifest } from '../../electron/engine/images/bundle-manifest.js';
import { openBundle, readManifest, verifyPayloads } from '../../electron/engine/images/bundle-read.js';
import { tarHeader } from '../../electron/engine/images/bundle-tar-writer.js';
import { tarEntries } from '../../electron/engine/images/bundle-tar-index.js';
import { writeBundle } from './bundle-fixture.js';

const work = mkdtempSync(join(tmpdir(), 'bundle-format-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('a bundle is a tar that tar lists: manifest first, then the lab, then the images', async () => {
  const file = join(work, 'ok.bundle');
  const manifest = await writeBundle(file);
  const listed = execFileSync('tar', ['-tf', file]).toString().trim().split('\n');
  assert.deepEqual(listed, ['labvisor-bundle.json', 'labs/bundle-fixture-lab.tar', 'images.tar']);
  assert.deepEqual(await readManifest(file), manifest);
  let read = 0;
  await verifyPayloads(await openBundle(file), (n) => { read += n; });
  assert.equal(read, manifest.payloads.reduce((n, p) => n + p.bytes, 0));
});

test('a size of 8 GiB or more is written in the base-256 form that tar-stream reads back', async () => {
  const size = 9 * 1024 ** 3;
  const header = tarHeader('images.tar', size, 0);
  const tar = extract();
  const got = new Promise<number | undefined>((resolve) => tar.on('entry', (h, s) => { resolve(h.size); s.resume(); }));
  tar.write(header);
  assert.equal(await got, size);
  tar.destroy();
  // And the bundle's own reader, from headers alone (the data need not be there).
  const file = join(work, 'huge-header.tar');
  await writeFile(file, header);
  const fh = await open(file, 'r');
  const listed = [];
  for await (const e of tarEntries(fh, 512)) listed.push(e);
  await fh.close();
  assert.deepEqual(listed, [{ name: 'images.tar', offset: 512, size }]);
});

async function refusal(file: string): Promise<string> {
  const err = await openBundle(file).then((b) => verifyPayloads(b, () => {})).then(() => undefined, (e: Error) => e);
  assert.ok(err instanceof BundleError, `expected a BundleError, got ${String(err)}`);
  return err.message;
}

test('a flipped byte in the image payload is refused, naming the payload and both digests', async () => {
  const file = join(work, 'tampered.bundle');
  const manifest = await writeBundle(file);
  const bytes = await readFile(file);
  const at = bytes.lastIndexOf('the bytes of docker save');
  bytes[at] = bytes[at]! ^ 0x01;
  await writeFile(file, bytes);
  const message = await refusal(file);
  const want = manifest.payloads.find((p) => p.name === 'images.tar')!.sha256;
  assert.match(message, /tampered.*payload images\.tar has sha256 [0-9a-f]{64}, its manifest says/);
  assert.ok(message.includes(want) && message.includes(file));
});

test('a truncated bundle is refused, saying how far its payload got', async () => {
  const file = join(work, 'cut.bundle');
  await writeBundle(file);
  await truncate(file, (await stat(file)).size - 3000);
  assert.match(await refusal(file), /is truncated: payload images\.tar ends after \d+ of 24000 bytes/);
});

test('a bundle cut right after its manifest says which payload is missing', async () => {
  const file = join(work, 'manifest-only.bundle');
  await writeBundle(file);
  const manifestEnd = 512 + Math.ceil((await readManifest(file).then((m) => JSON.stringify(m).length + 100)) / 512) * 512;
  await truncate(file, manifestEnd);
  assert.match(await refusal(file), /is truncated/);
});

test('files that are not bundles are refused naming the file and why', async () => {
  const missing = join(work, 'nope.bundle');
  await assert.rejects(readManifest(missing), (e: Error) => e instanceof BundleError && e.message === `${missing}: no such file`);
  const text = join(work, 'notes.txt');
  await writeFile(text, 'just some notes, not a tar file at all\n'.repeat(40));
  await assert.rejects(readManifest(text), (e: Error) => e instanceof BundleError && e.message.startsWith(`${text} is not a Labvisor bundle`));
  const otherTar = join(work, 'other.tar');
  execFileSync('tar', ['-cf', otherTar, '-C', work, 'notes.txt']);
  await assert.rejects(readManifest(otherTar), /is not a Labvisor bundle: its first entry is notes\.txt, not labvisor-bundle\.json/);
  await assert.rejects(readManifest(work), /is not a file/);
});

test('a manifest of another format or with a bad field is named as such', () => {
  assert.match(parseManifest('{"format": 7}') as string, /format 7; this Labvisor reads format 1/);
  assert.match(parseManifest('{"format": 1, "labvisor": "1"}') as string, /manifest is not valid: created/);
  assert.match(parseManifest('{') as string, /not JSON/);
});
