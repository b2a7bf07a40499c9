// Disk full (issue 17, item 5), for real: (a) an image build whose step writes more than the
// place it writes to holds (the build's /dev/shm, a 64 MB tmpfs: the engine's own disk is far too
// big to fill on a shared machine), and (b) a VM's initramfs written to a data dir on a small
// tmpfs that is full. Each must fail with words that say the disk is full and where, keep
// nothing half-made (no tag, no build container, no temp, no short initramfs under the cache's
// name), and succeed once there is space again.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statfsSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { errorInWords } from '../../electron/engine/error-words.js';
import { buildGuestInitramfs } from '../../electron/engine/images/guest-initramfs.js';
import { ensureGuestKernel, type GuestKernel } from '../../electron/engine/images/guest-kernel.js';
import { loadLab } from '../../electron/engine/labs/load.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { LabSession } from '../../electron/engine/sessions/lab-session.js';
import { containersRunning, tempsIn, until } from './kill-support.js';
import { engineOrSkip, fixture, labelled, nothing, vmSkip, withEnv } from './support.js';

const engine = await engineOrSkip();
const vms = await vmSkip(engine, 'a full disk under a VM\'s initramfs');
const rootSkip = process.getuid?.() === 0 ? false : 'mounting a small tmpfs needs root';
if (process.env.CI && rootSkip) throw new Error(`the disk-full test needs root in CI: ${rootSkip}`);

const work = mkdtempSync(join(tmpdir(), 'labvisor-disk-full-'));
const small = join(work, 'data');

describe('a full disk', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;
  after(() => rmSync(work, { recursive: true, force: true }));

  test('during an image build: the error names the lab, the image and the full disk; no tag, no build container is left', async () => {
    const session = new LabSession(docker, info, await loadLab(fixture('disk-full-build')));
    const err = await session.start().then(() => undefined, (e: unknown) => e);
    await session.stop();
    assert.ok(err, 'the build failed');
    const said = errorInWords(err);
    assert.match(said, /image "app" of lab "disk-full-build" \(labvisor\/lab-disk-full-build-app:[0-9a-f]{12}\)/);
    assert.match(said, /the disk filled up: no space left on device writing \/dev\/shm\/fill in a build step/);
    assert.doesNotMatch(said, /unexpected error|details in/, 'a foreseen error, in words');
    assert.deepEqual(await docker.listImages({ filters: { reference: ['labvisor/lab-disk-full-build-*'] } }), [], 'no image tagged');
    await until('the failed step\'s container to be removed', async () => (await containersRunning(docker, 'lv-disk-full-step')).length === 0, 10_000);
    assert.deepEqual(await labelled(docker, session.id), nothing);
  });

  describe('under a VM\'s initramfs (a data dir on a small tmpfs)', { skip: vms || rootSkip }, () => {
    let kernel: GuestKernel;
    const filler = join(small, 'filler');
    const env = { LABVISOR_DATA_DIR: small };
    before(async () => {
      mkdirSync(small);
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=48m', 'labvisor-disk-full', small]);
      mounted = true;
      kernel = await withEnv(env, () => ensureGuestKernel(docker, info));
    });
    let mounted = false;
    after(() => { if (mounted) execFileSync('umount', [small]); });

    test('the write fails with the disk and its folder named; no temp, no short initramfs; with space again it is made whole', async () => {
      // Full but for 256 KB: the kernel is in, the initramfs (megabytes) cannot be.
      const fs = statfsSync(small);
      writeFileSync(filler, Buffer.alloc(Math.max(0, fs.bavail * fs.bsize - 256 * 1024)));
      const err = await withEnv(env, () => buildGuestInitramfs(docker, 'labvisor/base', kernel)).then(() => undefined, (e: unknown) => e);
      assert.ok(err, 'the write failed');
      const said = errorInWords(err);
      assert.match(said, new RegExp(`^no space left on the disk holding ${small}/guests, [\\d.]+ MB free: the VM guest made from labvisor/base \\(its initramfs\\) could not be written \\(nothing half-written was kept\\); free some space there and try again$`));
      assert.deepEqual(readdirSync(join(small, 'guests')), [], 'no temp and no initramfs under the cache\'s name');
      assert.deepEqual(tempsIn(small), []);

      // A lab started on the full disk: the same words reach the learner, nothing of it is left.
      const session = new LabSession(docker, info, await loadLab(fixture('vm-lab')));
      const failed = await withEnv(env, () => session.start()).then(() => undefined, (e: unknown) => e);
      await session.stop();
      assert.match(errorInWords(failed), /^no space left on the disk holding .*\/guests, /);
      assert.deepEqual(await labelled(docker, session.id), nothing);
      assert.deepEqual(readdirSync(join(small, 'guests')), []);

      rmSync(filler);
      const made = await withEnv(env, () => buildGuestInitramfs(docker, 'labvisor/base', kernel));
      execFileSync('gzip', ['-t', made]);
      assert.deepEqual(readdirSync(join(small, 'guests')), [made.slice(made.lastIndexOf('/') + 1)]);
    });
  });
});
