// loadBundle against a fake engine: the engine's disk fills mid-load and the load undoes exactly
// what it added; another platform and a tampered file never reach the engine; labs the app does
// not ship are unpacked to the data dir.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type Docker from 'dockerode';
import { BundleError, loadBundle } from '../../electron/engine/images/bundle-load.js';
import type { BundleProgress } from '../../electron/shared/api.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { IMAGE_ID, writeBundle } from './bundle-fixture.js';

const work = mkdtempSync(join(tmpdir(), 'bundle-load-'));
process.env.LABVISOR_DATA_DIR = join(work, 'data');
after(() => rmSync(work, { recursive: true, force: true }));

const engine = { arch: 'x86_64', os: 'linux' } as EngineInfo;
const OLD_ID = `sha256:${'c'.repeat(64)}`;

/** Tags → image ids, and what the load endpoint does with the tar it is sent. */
function fakeEngine(tags: Map<string, string>, onLoad: (tar: Buffer) => string) {
  const calls: string[] = [];
  const docker = {
    getImage: (ref: string) => ({
      inspect: async () => {
        const id = tags.get(ref) ?? ([...tags.values()].includes(ref) ? ref : undefined);
        if (!id) throw Object.assign(new Error(`no such image: ${ref}`), { statusCode: 404 });
        return { Id: id };
      },
      remove: async () => { calls.push(`remove ${ref}`); tags.delete(ref); },
      tag: async ({ repo, tag }: { repo: string; tag: string }) => { calls.push(`tag ${ref} ${repo}:${tag}`); tags.set(`${repo}:${tag}`, ref); },
    }),
    loadImage: async (stream: NodeJS.ReadableStream) => {
      const chunks: Buffer[] = [];
      for await (const c of stream as AsyncIterable<Buffer>) chunks.push(c);
      calls.push('load');
      return Readable.from([onLoad(Buffer.concat(chunks))]);
    },
  };
  return { docker: docker as unknown as Docker, calls };
}

const FULL = '{"errorDetail":{"message":"write /var/lib/docker/tmp/docker-import-1/x/layer.tar: no space left on device"},"error":"write …: no space left on device"}\n';

test('the engine\'s disk fills mid-load: the tags the load added go, the ones it had stay, and the error says so', async () => {
  const file = join(work, 'full.bundle');
  await writeBundle(file, {
    manifest: (m) => ({ ...m, images: [...m.images, { ref: 'labvisor/base:latest', id: OLD_ID, size: 1, role: 'base', platform: 'linux/amd64' }] }),
  });
  // labvisor/base was there before; the load managed one new image before the disk filled.
  const tags = new Map([['labvisor/base:latest', OLD_ID]]);
  const { docker, calls } = fakeEngine(tags, () => {
    tags.set('labvisor/bundle-fixture:1', IMAGE_ID);
    return FULL;
  });
  const err = await loadBundle(docker, engine, file).then(() => undefined, (e: Error) => e);
  assert.ok(err instanceof BundleError);
  assert.match(err.message, /loading the images of .*full\.bundle into the engine failed: write .*no space left on device \(the engine's disk is full: free space there/);
  assert.match(err.message, /the 1 image tag\(s\) this load had added were removed, the engine is as before/);
  assert.deepEqual(calls, ['load', 'remove labvisor/bundle-fixture:1']);
  assert.deepEqual([...tags], [['labvisor/base:latest', OLD_ID]]);
  assert.equal(existsSync(join(work, 'data', 'bundles')), false, 'no lab was unpacked');
});

test('a tag the load moved to another image is put back on the image it named before', async () => {
  const file = join(work, 'moved.bundle');
  await writeBundle(file);
  const tags = new Map([['labvisor/bundle-fixture:1', OLD_ID]]);
  const { docker, calls } = fakeEngine(tags, () => {
    tags.set('labvisor/bundle-fixture:1', IMAGE_ID);
    return FULL;
  });
  await assert.rejects(loadBundle(docker, engine, file), BundleError);
  assert.deepEqual(calls, ['load', `tag ${OLD_ID} labvisor/bundle-fixture:1`]);
  assert.equal(tags.get('labvisor/bundle-fixture:1'), OLD_ID);
});

test('a bundle for another platform is refused naming both, before any byte is read or sent', async () => {
  const file = join(work, 'arm.bundle');
  await writeBundle(file, { platforms: ['linux/arm64'] });
  const { docker, calls } = fakeEngine(new Map(), () => '');
  await assert.rejects(loadBundle(docker, engine, file), (e: Error) =>
    e instanceof BundleError && e.message === `${file}: this bundle holds linux/arm64; the engine runs linux/amd64`);
  assert.deepEqual(calls, []);
});

test('a tampered bundle never reaches the engine', async () => {
  const file = join(work, 'tampered.bundle');
  await writeBundle(file);
  const bytes = await readFile(file);
  const at = bytes.lastIndexOf('docker save') + 3;
  bytes[at] = bytes[at]! ^ 0x20;
  await writeFile(file, bytes);
  const { docker, calls } = fakeEngine(new Map(), () => '');
  await assert.rejects(loadBundle(docker, engine, file), /payload images\.tar has sha256 [0-9a-f]{64}, its manifest says [0-9a-f]{64}/);
  assert.deepEqual(calls, []);
});

test('a good load: images checked by id, a lab the app does not ship unpacked, progress for each phase', async () => {
  const file = join(work, 'good.bundle');
  const manifest = await writeBundle(file);
  const tags = new Map<string, string>();
  let sent: Buffer = Buffer.alloc(0);
  const { docker } = fakeEngine(tags, (tar) => {
    sent = tar;
    tags.set('labvisor/bundle-fixture:1', IMAGE_ID);
    return '{"stream":"Loaded image: labvisor/bundle-fixture:1\\n"}\n';
  });
  const seen: BundleProgress[] = [];
  const result = await loadBundle(docker, engine, file, { onProgress: (p) => seen.push(p) });
  assert.equal(sent.length, manifest.payloads[1]!.bytes);
  assert.deepEqual(result.images, [{ ref: 'labvisor/bundle-fixture:1', id: IMAGE_ID }]);
  assert.deepEqual(result.labs, ['bundle-fixture-lab']);
  assert.deepEqual(result.platforms, ['linux/amd64']);
  const dir = join(work, 'data', 'bundles', 'labs', 'bundle-fixture-lab');
  assert.deepEqual(result.openedFolders, [dir]);
  assert.equal(readFileSync(join(dir, 'steps', '01.md'), 'utf8'), '# one\n');
  for (const phase of ['verify', 'load', 'labs'] as const) {
    const last = seen.filter((p) => p.phase === phase).at(-1);
    assert.ok(last && last.doneBytes === last.totalBytes && last.totalBytes > 0, `${phase} ends at its total: ${JSON.stringify(last)}`);
  }
});

test('an image that did not land with the manifest\'s id fails the load and is undone', async () => {
  const file = join(work, 'wrong-id.bundle');
  await writeBundle(file);
  const tags = new Map<string, string>();
  const { docker } = fakeEngine(tags, () => {
    tags.set('labvisor/bundle-fixture:1', OLD_ID);
    return '';
  });
  await assert.rejects(loadBundle(docker, engine, file), (e: Error) =>
    e instanceof BundleError && /after the load, labvisor\/bundle-fixture:1 has id sha256:c+; the manifest says sha256:a+/.test(e.message));
  assert.equal(tags.size, 0);
});
