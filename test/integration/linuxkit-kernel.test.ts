// LABVISOR_KERNEL_IMAGE against the real engine: an image in linuxkit's layout (/kernel +
// /kernel.tar), made here from this machine's Debian cloud kernel, becomes the guest kernel,
// stored in our layout in a throwaway repo (the real labvisor/kernel is left alone) and cached in
// a private data dir; broken ones are refused, leaving nothing behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeKernelImageSetting, ensureGuestKernel, type GuestKernel } from '../../electron/engine/images/guest-kernel.js';
import { GuestKernelUnavailableError } from '../../electron/engine/images/guest-kernel-error.js';
import { KERNEL_FROM_LABEL, KERNEL_VERSION_LABEL } from '../../electron/engine/images/kernel-images.js';
import { GUEST_ARCH_LABEL } from '../../electron/engine/images/guest-arch.js';
import { listContainerDir, withCreatedContainer } from '../../electron/engine/images/image-files.js';
import { LAYOUT_PATHS, presentPaths } from '../../electron/engine/images/linuxkit-kernel.js';
import { GUEST_MODULES, moduleName } from '../../electron/engine/images/modules-dep.js';
import { helperLabels, LABEL } from '../../electron/engine/labels.js';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import type { ProgressEvent } from '../../electron/engine/progress.js';
import { engineOrSkip, withEnv } from './support.js';

const engine = await engineOrSkip();

/** This machine's Debian cloud kernel with its modules, the stuff of the linuxkit-layout image. */
const hostVersion = readdirSync('/boot').filter((f) => /^vmlinuz-.*-cloud-amd64$/.test(f)).map((f) => f.slice('vmlinuz-'.length))
  .find((v) => existsSync(`/lib/modules/${v}/modules.dep`));
const noKernel = 'no /boot/vmlinuz-*-cloud-amd64 with its /lib/modules (sudo apt-get install linux-image-cloud-amd64)';
if (!hostVersion && process.env.CI && !engine.skip) throw new Error(`The linuxkit kernel test needs ${noKernel} in CI`);

const sha256 = async (path: string) => createHash('sha256').update(await readFile(path)).digest('hex');

/** A header an arm64 Image has, before bytes that are no kernel: enough to be taken for one. */
function arm64Image(): Buffer {
  const b = Buffer.concat([Buffer.alloc(0x40), randomBytes(64 * 1024)]);
  b.write('ARM\x64', 0x38, 'latin1');
  return b;
}

describe('a kernel image in linuxkit\'s layout (LABVISOR_KERNEL_IMAGE)', { skip: engine.skip || (!hostVersion && noKernel) }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;
  const id = randomBytes(4).toString('hex');
  const fixtures = `labvisor-test/linuxkit-${id}`;
  const repo = `labvisor-test/kernel-${id}`;
  const work = mkdtempSync(join(tmpdir(), 'linuxkit-kernel-'));
  const data = mkdtempSync(join(tmpdir(), 'linuxkit-kernel-data-'));
  const version = hostVersion!;
  const hostVmlinuz = `/boot/vmlinuz-${version}`;
  const use = <T>(image: string, fn: () => Promise<T>) => withEnv({ LABVISOR_KERNEL_IMAGE: image, LABVISOR_DATA_DIR: data }, fn);
  const refused = (image: string) => use(image, () => ensureGuestKernel(docker, info, undefined, repo, 'x86_64'))
    .then(() => assert.fail(`${image} was taken`), (err: unknown) => {
      assert.ok(err instanceof GuestKernelUnavailableError, String(err));
      return err.message;
    });

  /** Imports the files in `dir` as `<fixtures>:<tag>`, FROM scratch, as linuxkit's images are. */
  async function fixture(tag: string, files: Record<string, Buffer | string>): Promise<string> {
    const dir = join(work, tag);
    mkdirSync(dir);
    for (const [name, body] of Object.entries(files)) {
      if (typeof body === 'string') linkSync(body, join(dir, name));
      else writeFileSync(join(dir, name), body);
    }
    execFileSync('tar', ['-C', dir, '-cf', `${dir}.tar`, '.']);
    const changes = Object.entries(helperLabels()).map(([k, v]) => `LABEL ${k}=${v}`);
    const stream = await docker.importImage(createReadStream(`${dir}.tar`), { repo: fixtures, tag, changes });
    await new Promise<void>((resolve, reject) => docker.modem.followProgress(stream, (err) => (err ? reject(err) : resolve())));
    return `${fixtures}:${tag}`;
  }

  let good = '';
  let noTar = '';
  let arm64 = '';
  before(async () => {
    // As linuxkit's kernel build makes it: `tar cf kernel.tar .` in the modules_install root.
    const modules = join(work, 'kernel.tar');
    execFileSync('tar', ['-C', '/', '-cf', modules, `./lib/modules/${version}`]);
    const extras = { 'System.map': Buffer.from('ffffffff81000000 T _text\n'), config: Buffer.from('CONFIG_VIRTIO_MMIO=m\n') };
    good = await fixture('good', { kernel: await readFile(hostVmlinuz), 'kernel.tar': modules, ...extras });
    noTar = await fixture('no-tar', { kernel: await readFile(hostVmlinuz), ...extras });
    arm64 = await fixture('arm64', { kernel: arm64Image(), 'kernel.tar': modules });
  });

  after(async () => {
    for (const name of [repo, fixtures]) {
      for (const image of await docker.listImages({ filters: { reference: [name] } })) {
        for (const tag of image.RepoTags ?? []) await docker.getImage(tag).remove({ force: true }).catch(() => {});
      }
    }
    rmSync(work, { recursive: true, force: true });
    rmSync(data, { recursive: true, force: true });
  });

  test('refused, naming the image and what is missing, leaving no image or container behind', async () => {
    assert.match(await refused(`${fixtures}:absent`), new RegExp(`LABVISOR_KERNEL_IMAGE=${fixtures}:absent: no such image on the Docker engine \\(nothing is pulled`));
    const noTarWhy = await refused(noTar);
    assert.match(noTarWhy, new RegExp(`LABVISOR_KERNEL_IMAGE=${noTar}: the image has no /kernel\\.tar \\(linuxkit's layout is /kernel \\(the kernel\\) \\+ /kernel\\.tar`));
    assert.match(noTarWhy, /\nFix: name an image on the engine in linuxkit's layout .* or unset LABVISOR_KERNEL_IMAGE/);
    assert.match(await refused(arm64), new RegExp(`LABVISOR_KERNEL_IMAGE=${arm64}: /kernel is a kernel for aarch64, not for x86_64 guests`));

    assert.deepEqual(await docker.listImages({ filters: { reference: [repo] } }), [], 'no kernel image was stored');
    assert.deepEqual(await docker.listContainers({ all: true, filters: { ancestor: [good, noTar, arm64] } }), [], 'no container was left');
    assert.deepEqual(readdirSync(data), [], 'nothing was cached');
    const doctor = await describeKernelImageSetting(docker, noTar, repo);
    assert.equal(doctor.ok, false);
    assert.match(doctor.detail, /the image has no \/kernel\.tar/);
  });

  let kernel: GuestKernel | undefined;
  test('stored in our layout, labelled, cached with the guest\'s modules; then present', async () => {
    assert.match((await describeKernelImageSetting(docker, good, repo)).detail, new RegExp(`^LABVISOR_KERNEL_IMAGE=${good}: in linuxkit's layout, stored as ${repo}:<version> on first use$`));
    const events: ProgressEvent[] = [];
    kernel = await use(good, () => ensureGuestKernel(docker, info, (e) => events.push(e), repo, 'x86_64'));
    assert.deepEqual([kernel.source, kernel.version, kernel.arch, kernel.image], ['linuxkit', version, 'x86_64', `${repo}:${version}`]);
    assert.ok(events.some((e) => e.phase === `storing ${good} (linuxkit's layout) as ${repo}:${version}`));
    assert.equal(events.at(-1)?.state, 'done');

    assert.ok(kernel.vmlinuz.startsWith(data));
    assert.equal(await sha256(kernel.vmlinuz), await sha256(hostVmlinuz));
    assert.equal(kernel.sha256, await sha256(hostVmlinuz));
    const manifest = JSON.parse(await readFile(join(kernel.vmlinuz, '..', 'manifest.json'), 'utf8')) as { modules: string[] };
    for (const wanted of GUEST_MODULES) assert.ok(manifest.modules.some((m) => moduleName(m) === wanted), `${wanted} is cached`);
    for (const m of manifest.modules) await stat(join(kernel.modulesDir, m));

    const [image] = await docker.listImages({ filters: { reference: [`${repo}:${version}`] } });
    const goodId = (await docker.getImage(good).inspect()).Id;
    assert.deepEqual(
      [image?.Labels?.[LABEL.role], image?.Labels?.[GUEST_ARCH_LABEL], image?.Labels?.[KERNEL_VERSION_LABEL], image?.Labels?.[KERNEL_FROM_LABEL]],
      ['kernel', 'x86_64', version, goodId]);
    await withCreatedContainer(docker, kernel.image, async (c) => {
      assert.deepEqual(await presentPaths(c, LAYOUT_PATHS), ['/boot', '/lib/modules'], 'our layout, none of linuxkit\'s files');
      assert.deepEqual(await listContainerDir(c, '/boot'), [`vmlinuz-${version}`]);
    });

    const again = await use(good, () => ensureGuestKernel(docker, info, undefined, repo, 'x86_64'));
    assert.deepEqual(again, { ...kernel, source: 'present' });
    assert.match((await describeKernelImageSetting(docker, good, repo)).detail, new RegExp(`in linuxkit's layout, stored as ${repo}:${version}$`));
  });

  test('an image in our own layout is used as is', async () => {
    assert.ok(kernel, 'the linuxkit test ran');
    const asIs = await use(kernel.image, () => ensureGuestKernel(docker, info, undefined, repo, 'x86_64'));
    assert.deepEqual(asIs, { ...kernel, source: 'present' });
    assert.equal((await docker.listImages({ filters: { reference: [repo] } })).length, 1, 'nothing more was stored');
    assert.match((await describeKernelImageSetting(docker, kernel.image, repo)).detail, /in Labvisor's layout, used as is$/);
  });
});
