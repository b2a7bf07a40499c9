// `bundle load`: refuses a bundle for another platform, verifies every payload's digest before
// anything reaches the engine, loads the image tar through the engine's API, checks each image
// landed with the manifest's id, and unpacks the labs the app does not already ship. If the
// engine fails mid-load (its disk is full), the images this load added are removed again; if
// this process dies mid-load, its journal has the next start or load do that (bundle-journal.ts).
import type Docker from 'dockerode';
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import type { EngineInfo } from '../machines/docker-engine.js';
import { BundleError } from './bundle-error.js';
import { isBundledLab, unpackLab } from './bundle-labs.js';
import { enginePlatform, IMAGES_PAYLOAD, labPayload, type BundleManifest } from './bundle-manifest.js';
import { beginLoadJournal, endLoadJournal, undoInterruptedLoads } from './bundle-journal.js';
import type { BundleProgress } from '../../shared/api.js';
import { byteMeter } from './bundle-progress.js';
import { openBundle, payloadEntries, payloadStream, verifyPayloads } from './bundle-read.js';
import { restoreImages, imagesBefore } from './bundle-rollback.js';

export { BundleError } from './bundle-error.js';

export interface BundleLoadResult { labs: string[]; openedFolders: string[]; images: Array<{ ref: string; id: string }>; bytes: number; ms: number; platforms: string[] }

export interface LoadOptions { onProgress?: (p: BundleProgress) => void; signal?: AbortSignal }

export async function loadBundle(docker: Docker, engine: EngineInfo, file: string, opts: LoadOptions = {}): Promise<BundleLoadResult> {
  const began = Date.now();
  const path = resolve(file);
  const bundle = await openBundle(path);
  const { manifest } = bundle;
  const platform = enginePlatform(engine);
  if (!manifest.platforms.includes(platform)) {
    throw new BundleError(`${path}: this bundle holds ${manifest.platforms.join(', ')}; the engine runs ${platform}`);
  }
  const listed = new Set(manifest.payloads.map((p) => p.name));
  const unheld = [IMAGES_PAYLOAD, ...manifest.labs.map((l) => labPayload(l.id))].find((name) => !listed.has(name));
  if (unheld) throw new BundleError(`${path} is not a Labvisor bundle: its manifest lists no payload ${unheld}`);
  const total = manifest.payloads.reduce((n, p) => n + p.bytes, 0);
  const verifying = byteMeter('verify', total, opts.onProgress);
  await verifyPayloads(bundle, (n) => verifying.add(n), opts.signal);
  verifying.end();

  const labTars = new Map<string, Buffer>();
  for (const payload of payloadEntries(bundle)) {
    const hash = createHash('sha256');
    // Hashed again as it goes in: the file may have changed since it was verified.
    async function* hashed(): AsyncGenerator<Buffer> {
      for await (const chunk of payloadStream(bundle, payload.entry, opts.signal)) {
        hash.update(chunk);
        yield chunk;
      }
    }
    const changed = () => {
      const actual = hash.digest('hex');
      return actual === payload.sha256 ? undefined : new BundleError(`${path} changed while it was loaded: payload ${payload.name} has sha256 ${actual}, its manifest says ${payload.sha256}`);
    };
    if (payload.name === IMAGES_PAYLOAD) {
      await loadImages(docker, path, manifest, hashed(), payload.bytes, changed, opts);
    } else {
      const chunks: Buffer[] = [];
      for await (const c of hashed()) chunks.push(c);
      const err = changed();
      if (err) throw err;
      labTars.set(payload.name, Buffer.concat(chunks));
    }
  }
  const openedFolders = await unpackLabs(manifest, labTars, opts.onProgress);
  return {
    labs: manifest.labs.map((l) => l.id), openedFolders,
    images: manifest.images.map(({ ref, id }) => ({ ref, id })),
    bytes: bundle.size, ms: Date.now() - began, platforms: manifest.platforms,
  };
}

/** The image tar into the engine; on any failure the engine gets back the tags it had. */
async function loadImages(
  docker: Docker, path: string, manifest: BundleManifest, tar: AsyncIterable<Buffer>, bytes: number,
  changed: () => BundleError | undefined, opts: LoadOptions,
): Promise<void> {
  // A load killed before (its journal is there) is undone first: `before` must be the engine as it was.
  await undoInterruptedLoads(docker);
  const before = await imagesBefore(docker, manifest.images);
  const journal = await beginLoadJournal(path, manifest.images, before);
  const meter = byteMeter('load', bytes, opts.onProgress);
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of tar) {
      meter.add(chunk.length);
      yield chunk;
    }
  }
  try {
    const response = await docker.loadImage(Readable.from(counted()), { quiet: true, ...(opts.signal ? { abortSignal: opts.signal } : {}) });
    await engineMessages(response);
    meter.end();
    const err = changed();
    if (err) throw err;
    for (const image of manifest.images) {
      const id = await docker.getImage(image.ref).inspect().then((i) => i.Id, () => undefined);
      if (id !== image.id) throw new BundleError(`${path}: after the load, ${image.ref} ${id ? `has id ${id}` : 'is missing'}; the manifest says ${image.id}`);
    }
  } catch (err) {
    const undone = await restoreImages(docker, manifest.images, before);
    const undo = `; the ${undone} image tag(s) this load had added were removed, the engine is as before`;
    if (err instanceof BundleError) throw new BundleError(`${err.message}${undo}`, { cause: err });
    const msg = (err as Error).message;
    const full = /no space left on device/i.test(msg) ? ' (the engine\'s disk is full: free space there, e.g. with `labvisor gc --images`, and load again)' : '';
    throw new BundleError(`loading the images of ${path} into the engine failed: ${msg}${full}${undo}`, { cause: err });
  } finally {
    await endLoadJournal(journal);
  }
}

/** Reads the engine's answer to a load; throws its error message if it sent one. */
async function engineMessages(response: NodeJS.ReadableStream): Promise<void> {
  let text = '';
  for await (const chunk of response as AsyncIterable<Buffer>) text += chunk.toString();
  for (const line of text.split(/\r?\n/)) {
    if (!line.trim()) continue;
    let msg: { error?: string; errorDetail?: { message?: string } };
    try {
      msg = JSON.parse(line) as typeof msg;
    } catch {
      continue;
    }
    if (msg.error) throw new Error(msg.errorDetail?.message ?? msg.error);
  }
}

/** Unpacks each lab that the app does not ship with this content; returns their folders. */
async function unpackLabs(manifest: BundleManifest, tars: Map<string, Buffer>, onProgress?: (p: BundleProgress) => void): Promise<string[]> {
  const meter = byteMeter('labs', [...tars.values()].reduce((n, t) => n + t.length, 0), onProgress);
  const folders: string[] = [];
  for (const lab of manifest.labs) {
    const tar = tars.get(labPayload(lab.id))!;
    if (!(await isBundledLab(lab.id, lab.hash))) folders.push(await unpackLab(lab.id, tar));
    meter.add(tar.length);
  }
  meter.end();
  return folders;
}
