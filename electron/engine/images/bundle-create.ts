// `bundle create`: one file with the manifest, the chosen labs' folders and one `docker save` of
// every image they need (shared layers once). Written to a temp file beside FILE and renamed at
// the end; on any error the temp file goes and the error says what happened.
import type Docker from 'dockerode';
import { randomBytes } from 'node:crypto';
import { access, constants, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { BundleProgress } from '../../shared/api.js';
import type { EngineInfo } from '../machines/docker-engine.js';
import { noProgress, progressTask, type ProgressSink } from '../progress.js';
import { BundleError } from './bundle-error.js';
import { labHash, labTar, resolveLabs } from './bundle-labs.js';
import {
  BUNDLE_FORMAT, enginePlatform, IMAGES_PAYLOAD, labPayload, labvisorVersion, MANIFEST_NAME, megabytes, type BundleImage, type BundleManifest,
} from './bundle-manifest.js';
import { imagesALabNeeds } from './bundle-needs.js';
import { byteMeter } from './bundle-progress.js';
import { TarFileWriter, type Written } from './bundle-tar-writer.js';

/** The save's byte progress: the API's BundleProgress with a phase of its own (the API carries only loads). */
export type SaveProgress = Omit<BundleProgress, 'phase'> & { phase: 'save' };

export interface CreateOptions {
  /** Bundled lab ids or lab folder paths; every bundled lab when empty. */
  labs?: string[];
  /** Docker platforms (linux/amd64): only the engine's own can be made here. */
  platforms?: string[];
  /** Tasks of the lab starts that make the images. */
  progress?: ProgressSink;
  onSave?: (p: SaveProgress) => void;
  /** Stops between lab starts and during the save; the temp file is removed. */
  signal?: AbortSignal;
}

export interface CreateResult { file: string; bytes: number; ms: number; manifest: BundleManifest }

type ImagesApi = { getImages(opts: { names: string[]; abortSignal?: AbortSignal }): Promise<NodeJS.ReadableStream> };

/** Room for the manifest, reserved before its digests are known. */
const manifestRoom = (draft: BundleManifest) => Buffer.byteLength(JSON.stringify(draft, null, 2)) + 16 * 1024;

export async function createBundle(docker: Docker, engine: EngineInfo, file: string, opts: CreateOptions = {}): Promise<CreateResult> {
  const began = Date.now();
  const target = resolve(file);
  const platform = enginePlatform(engine);
  const platforms = opts.platforms?.length ? [...new Set(opts.platforms)] : [platform];
  const foreign = platforms.filter((p) => p !== platform);
  if (foreign.length) {
    throw new BundleError(`${target}: this engine runs ${platform} and can make images for ${platform} only, not ${foreign.join(', ')}: ` +
      `run \`labvisor bundle create\` on an engine of ${foreign.length > 1 ? 'each of those platforms' : 'that platform'}`);
  }
  // Before the lab starts, which take minutes: a folder that cannot take the file fails now.
  await access(dirname(target), constants.W_OK).catch((err: NodeJS.ErrnoException) => {
    throw new BundleError(`cannot write ${target}: ${err.code === 'ENOENT' ? `the folder ${dirname(target)} does not exist` : err.message}`, { cause: err });
  });
  const labs = await resolveLabs(opts.labs);
  const images = new Map<string, BundleImage>();
  for (const loaded of labs) {
    opts.signal?.throwIfAborted();
    const task = progressTask(opts.progress ?? noProgress, `lab ${loaded.lab.id}`);
    task.update('starting it once to make every image it needs');
    for (const { ref, role } of await imagesALabNeeds(docker, engine, loaded, opts.progress)) {
      if (images.has(ref)) continue;
      const info = await docker.getImage(ref).inspect();
      images.set(ref, { ref, id: info.Id, size: info.Size, role, platform: `${info.Os}/${info.Architecture}` });
    }
    task.done('images ready');
  }
  const labEntries = await Promise.all(labs.map(async (l) => ({ id: l.lab.id, title: l.lab.title, hash: await labHash(l.dir), dir: l.dir })));
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT, labvisor: await labvisorVersion(), created: new Date().toISOString(), platforms,
    labs: labEntries.map(({ id, title, hash }) => ({ id, title, hash })),
    images: [...images.values()],
    payloads: [...labEntries.map((l) => labPayload(l.id)), IMAGES_PAYLOAD].map((name) => ({ name, bytes: Number.MAX_SAFE_INTEGER, sha256: '0'.repeat(64) })),
  };
  // Each distinct image's size: layers shared between them make the real tar smaller.
  const estimate = [...new Map([...images.values()].map((i) => [i.id, i.size])).values()].reduce((a, b) => a + b, 0);
  const tmp = join(dirname(target), `.${basename(target)}.${randomBytes(4).toString('hex')}.tmp`);
  let written = 0;
  const fh = await open(tmp, 'wx').catch((err: NodeJS.ErrnoException) => { throw new BundleError(`cannot write ${target}: ${err.message}`, { cause: err }); });
  try {
    const writer = new TarFileWriter(fh);
    const fillManifest = await writer.reserve(MANIFEST_NAME, manifestRoom(manifest));
    const payloads: Written[] = [];
    for (const l of labEntries) payloads.push(await writer.addBuffer(labPayload(l.id), await labTar(l.dir)));
    const meter = byteMeter('save', estimate, opts.onSave);
    const saved = await (docker as unknown as ImagesApi).getImages({ names: [...images.keys()], ...(opts.signal ? { abortSignal: opts.signal } : {}) });
    payloads.push(await writer.addStream(IMAGES_PAYLOAD, saved as AsyncIterable<Buffer>, (n) => { written += n; meter.add(n); }));
    meter.end();
    manifest.payloads = payloads.map(({ name, bytes, sha256 }) => ({ name, bytes, sha256 }));
    await fillManifest(Buffer.from(JSON.stringify(manifest, null, 2)));
    const bytes = await writer.finish();
    await fh.sync();
    await fh.close();
    await rename(tmp, target);
    return { file: target, bytes, ms: Date.now() - began, manifest };
  } catch (err) {
    await fh.close().catch(() => {});
    await rm(tmp, { force: true });
    if ((err as NodeJS.ErrnoException).code === 'ENOSPC') {
      throw new BundleError(`no space left on the disk holding ${target}: ${megabytes(written)} of the images were written; ` +
        `the bundle needs about ${megabytes(estimate)} (nothing was left behind)`, { cause: err });
    }
    throw err;
  }
}
