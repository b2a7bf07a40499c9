// The workshop bundle, end to end on a real engine and real QEMU (issue 16, "Done when"): a
// bundle of three labs (one with a VM and a Docker host view), EVERY Labvisor image removed, the
// bundle loaded by a client with an empty data dir (a fresh laptop), and the three labs solved
// with their session networks internal and no image built. Bad bundles are refused and load
// nothing; a create onto a full disk says so and leaves no file.
// It removes every labvisor/* image of the engine: run it alone, or against a second dockerd
// (DOCKER_HOST=unix:///run/docker-b.sock, see docs/bundles.md).
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, statSync, truncateSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BundleLoadResult } from '../../electron/engine/images/bundle-load.js';
import type { BundleManifest } from '../../electron/engine/images/bundle-manifest.js';
import { loadLab } from '../../electron/engine/labs/load.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import type { ProgressEvent } from '../../electron/engine/progress.js';
import { LabSession } from '../../electron/engine/sessions/lab-session.js';
import { networkName } from '../../electron/engine/sessions/names.js';
import { solveLab } from '../../electron/engine/sessions/solve-lab.js';
import { cli, engineOrSkip, root, vmSkip, withEnv } from './support.js';

const engine = await engineOrSkip();
const vms = await vmSkip(engine, 'the bundle of a lab with a VM');
const rootSkip = process.getuid?.() === 0 ? false : 'mounting a tiny tmpfs needs root';
if (process.env.CI && rootSkip) throw new Error(`the bundle test needs root in CI: ${rootSkip}`);
const skip = engine.skip || vms;
const LABS = ['volume-backup', 'shared-kernel', 'scope'];

const work = mkdtempSync(join(tmpdir(), 'labvisor-bundle-'));
const file = join(work, 'workshop.bundle');
/** The data dir of the "fresh laptop" that loads the bundle: no cached kernel, no guests. */
const freshData = join(work, 'fresh-data');
const full = join(work, 'full');

after(() => {
  if (existsSync(full)) execFileSync('umount', [full], { stdio: 'ignore' });
  rmSync(work, { recursive: true, force: true });
});

async function labvisorImages(docker: Docker): Promise<Map<string, string>> {
  const images = await docker.listImages({ filters: { reference: ['labvisor/*'] } });
  return new Map(images.flatMap((i) => (i.RepoTags ?? []).filter((t) => t.startsWith('labvisor/')).map((t) => [t, i.Id] as const)));
}

const allImageIds = async (docker: Docker) => new Set((await docker.listImages({ all: true })).map((i) => i.Id));

/** The byte range of a payload in the bundle file (ustar: 512-byte headers, data padded to 512). */
function payloadOffset(bundle: string, name: string): number {
  const fd = openSync(bundle, 'r');
  try {
    const header = Buffer.alloc(512);
    let at = 0;
    for (;;) {
      readSync(fd, header, 0, 512, at);
      const entry = header.toString('utf8', 0, 100).replace(/\0.*$/s, '');
      const size = parseInt(header.toString('ascii', 124, 136).replace(/\0.*$/s, '').trim() || '0', 8);
      if (!entry) throw new Error(`${name} is not in ${bundle}`);
      if (entry === name) return at + 512;
      at += 512 + Math.ceil(size / 512) * 512;
    }
  } finally {
    closeSync(fd);
  }
}

function patch(bundle: string, at: number, bytes: Buffer): Buffer {
  const fd = openSync(bundle, 'r+');
  const old = Buffer.alloc(bytes.length);
  readSync(fd, old, 0, old.length, at);
  writeSync(fd, bytes, 0, bytes.length, at);
  closeSync(fd);
  return old;
}

describe('workshop bundle: create, remove every Labvisor image, load, solve offline', { skip }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;
  let manifest: BundleManifest;

  test(`bundle create of ${LABS.join(', ')}: one file with base, lab, runner, kernel, VM boot and Docker host images`, async () => {
    const r = await cli(['bundle', 'create', file, '--labs', ...LABS, '--json']);
    assert.equal(r.code, 0, r.stderr);
    manifest = (JSON.parse(r.stdout) as { manifest: BundleManifest }).manifest;
    assert.deepEqual(manifest.labs.map((l) => l.id), LABS);
    assert.deepEqual(manifest.platforms, [`linux/${info.arch === 'aarch64' ? 'arm64' : 'amd64'}`]);
    assert.deepEqual([...new Set(manifest.images.map((i) => i.role))].sort(), ['base', 'docker-host', 'kernel', 'lab', 'runner', 'vm-boot']);
    assert.match(r.stderr, /bundle saving images: .* MB\/s/, 'progress with bytes and rate');
    assert.deepEqual(readdirSync(work), ['workshop.bundle'], 'no temp file left beside it');
    const listed = execFileSync('tar', ['-tf', file]).toString().trim().split('\n');
    assert.deepEqual(listed, ['labvisor-bundle.json', ...LABS.map((id) => `labs/${id}.tar`), 'images.tar']);
  });

  test('bundle inspect prints the labs, platforms and images on stdout', async () => {
    const r = await cli(['bundle', 'inspect', file]);
    assert.equal(r.code, 0, r.stderr);
    for (const id of LABS) assert.match(r.stdout, new RegExp(`^  ${id} `, 'm'));
    assert.match(r.stdout, /labvisor\/vm-boot:[0-9a-f]{16}\s+vm-boot/);
  });

  test('every Labvisor image removed, then bundle load (an empty data dir) puts each back with its id', async () => {
    for (const tag of (await labvisorImages(docker)).keys()) await docker.getImage(tag).remove({ force: true });
    assert.deepEqual([...(await labvisorImages(docker)).keys()], [], 'no labvisor/* image left');
    const r = await cli(['bundle', 'load', file, '--json'], { LABVISOR_DATA_DIR: freshData });
    assert.equal(r.code, 0, r.stderr);
    const loaded = JSON.parse(r.stdout) as BundleLoadResult;
    assert.deepEqual(loaded.labs, LABS);
    assert.deepEqual(loaded.openedFolders, [], 'the app ships these labs: nothing unpacked');
    const now = await labvisorImages(docker);
    for (const image of manifest.images) assert.equal(now.get(image.ref), image.id, image.ref);
    assert.match(r.stderr, /bundle verifying: .*MB\/s/);
    assert.match(r.stderr, /bundle loading images: .*MB\/s/);
  });

  for (const id of LABS) {
    test(`${id} after the load: every step passes, its network is internal, no image is built`, async () => {
      await withEnv({ LABVISOR_DATA_DIR: freshData }, async () => {
        const before = await allImageIds(docker);
        const events: ProgressEvent[] = [];
        const session = new LabSession(docker, info, await loadLab(join(root, 'labs', id)));
        try {
          await session.start({ trust: true, progress: (e) => events.push(e) });
          const network = await docker.getNetwork(networkName(session.id)).inspect();
          assert.equal(network.Internal, true, 'the session network has no way out');
          for (const m of session.machines) assert.equal(m.unavailable, undefined, `machine ${m.name}: ${m.unavailable}`);
          const outcomes = await solveLab(session);
          for (const o of outcomes) assert.equal(o.ok, true, `step ${o.id}: ${o.message}`);
          assert.deepEqual(outcomes.map((o) => o.id), session.lab.steps.map((s) => s.id));
        } finally {
          await session.stop();
        }
        const builds = events.filter((e) => e.phase === 'built' || e.phase === 'sending build context' || /^step \d+\/\d+:/.test(e.phase));
        assert.deepEqual(builds, [], 'no image was built');
        assert.deepEqual([...await allImageIds(docker)].filter((i) => !before.has(i)), [], 'no image appeared on the engine');
      });
    });
  }

  describe('bad bundles load nothing', () => {
    const bad = join(work, 'bad.bundle');
    /** A lab image removed, so a load that got through would bring it back. */
    let probe: { ref: string; id: string };

    test('a bundle whose manifest says another platform is refused naming the platforms', async () => {
      copyFileSync(file, bad);
      probe = manifest.images.find((i) => i.role === 'lab')!;
      await docker.getImage(probe.ref).remove();
      const at = payloadOffset(bad, 'labvisor-bundle.json');
      const mine = manifest.platforms[0]!;
      const other = mine === 'linux/amd64' ? 'linux/arm64' : 'linux/amd64';
      const text = Buffer.from(`"platforms": [\n    "${mine}"`);
      const fd = openSync(bad, 'r');
      const head = Buffer.alloc(64 * 1024);
      readSync(fd, head, 0, head.length, at);
      closeSync(fd);
      const where = head.indexOf(text);
      assert.ok(where >= 0, 'the manifest lists the platforms');
      const old = patch(bad, at + where, Buffer.from(`"platforms": [\n    "${other}"`));
      const r = await cli(['bundle', 'load', bad]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`this bundle holds ${other}; the engine runs ${mine}`));
      patch(bad, at + where, old);
      await assert.rejects(docker.getImage(probe.ref).inspect(), 'nothing loaded');
    });

    test('a flipped byte in the image payload is refused naming the payload and the digests', async () => {
      const images = manifest.payloads.find((p) => p.name === 'images.tar')!;
      const at = payloadOffset(bad, 'images.tar') + Math.floor(images.bytes / 2);
      const old = patch(bad, at, Buffer.from([0]));
      patch(bad, at, Buffer.from([old[0]! ^ 0xff]));
      const r = await cli(['bundle', 'load', bad]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, new RegExp(`payload images\\.tar has sha256 [0-9a-f]{64}, its manifest says ${images.sha256}`));
      patch(bad, at, old);
      await assert.rejects(docker.getImage(probe.ref).inspect(), 'nothing loaded');
    });

    test('a truncated bundle is refused', async () => {
      truncateSync(bad, Math.floor(statSync(bad).size / 2));
      const r = await cli(['bundle', 'load', bad]);
      assert.equal(r.code, 1);
      assert.match(r.stderr, /bad\.bundle is truncated: payload images\.tar ends after \d+ of \d+ bytes/);
      await assert.rejects(docker.getImage(probe.ref).inspect(), 'nothing loaded');
      // Back as it was, for the tests that follow.
      const r2 = await cli(['bundle', 'load', file]);
      assert.equal(r2.code, 0, r2.stderr);
      assert.match(r2.stdout, new RegExp(`^Loaded \\d+ image\\(s\\) and ${LABS.length} lab\\(s\\) .*: ${LABS.join(', ')}$`, 'm'), 'the summary is the result: stdout');
      assert.equal((await docker.getImage(probe.ref).inspect()).Id, probe.id);
    });
  });

  test('bundle create onto a full disk fails in words and leaves no file', { skip: rootSkip }, async () => {
    mkdirSync(full);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', full]);
    const target = join(full, 'workshop.bundle');
    const r = await cli(['bundle', 'create', target, '--labs', 'volume-backup']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`no space left on the disk holding ${target.replace(/[.]/g, '\\.')}: [\\d.]+ MB of the images were written; the bundle needs about \\d+ MB`));
    assert.deepEqual(readdirSync(full), [], 'no bundle and no temp file');
  });

  test('bad input: an unknown lab id, a missing file', async () => {
    const unknown = await cli(['bundle', 'create', join(work, 'x.bundle'), '--labs', 'no-such-lab']);
    assert.equal(unknown.code, 1);
    assert.match(unknown.stderr, /"no-such-lab" is neither a bundled lab \(.*volume-backup.*\) nor a lab folder/);
    const missing = await cli(['bundle', 'load', join(work, 'nope.bundle')]);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /nope\.bundle: no such file/);
  });
});
