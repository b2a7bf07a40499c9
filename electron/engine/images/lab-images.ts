// Builds a lab's images (images/<name>/Dockerfile) FROM labvisor/base. Tags carry a hash of
// the context and the base image, so an unchanged image is reused across sessions.
import type Docker from 'dockerode';
import { ImageBuildError } from '../errors.js';
import type { LoadedLab } from '../labs/load.js';
import { imageLabels, LABEL } from '../labels.js';
import { noProgress, progressTask, type ProgressSink } from '../progress.js';
import { BASE_IMAGE } from './base-image.js';
import { BASE_IMAGE as LAB_BASE_NAME } from '../labs/lab-rules.js';
import { hashContext, packContext, readContext } from './build-context.js';
import { asNodeStream, buildImage, LAB_BUILD_LIMITS } from './build-image.js';

/** Bumped when a lab image changes beyond its context and base (2: labels without a session), so old tags are not reused. */
const RECIPE = 2;

/** image name in the lab → image reference (tag) to run. */
export type LabImages = Record<string, string>;

/** Every image a lab builds is `labvisor/lab-<lab>-<image>:<hash>`: its name up to the image's. */
export const labImagePrefix = (lab: string): string => `labvisor/lab-${lab}-`;

export async function ensureLabImages(docker: Docker, loaded: LoadedLab, sink: ProgressSink = noProgress): Promise<LabImages> {
  const base = await docker.getImage(BASE_IMAGE).inspect();
  // A build never pulls: an image the lab names under build.from must already be on the engine.
  for (const ref of loaded.lab.build?.from ?? []) {
    await docker.getImage(ref).inspect().catch(() => {
      throw new Error(`lab "${loaded.lab.id}" builds FROM ${ref} (build.from), which is not on the engine: load or pull it first (docker pull ${ref})`);
    });
  }
  const limits = { ...LAB_BUILD_LIMITS, network: loaded.lab.build?.network ?? false };
  const entries = await Promise.all(Object.entries(loaded.images).map(async ([name, dir]) => {
    const files = await readContext(dir, loaded.dir);
    const tag = `${labImagePrefix(loaded.lab.id)}${name}:${hashContext(files, `${base.Id} recipe ${RECIPE}`).slice(0, 12)}`;
    const taskName = `image ${name}`;
    const exists = await docker.getImage(tag).inspect().then(() => true, () => false);
    if (exists) progressTask(sink, taskName).done('up to date');
    else {
      await buildImage(docker, asNodeStream(packContext(files)), tag, imageLabels(loaded.lab.id), sink, taskName, limits).catch((err: unknown) => {
        // Named as the learner knows it: the lab and its image, then the engine's tag.
        if (!(err instanceof ImageBuildError)) throw err;
        throw new ImageBuildError(`image "${name}" of lab "${loaded.lab.id}" (${tag})`, err.reason, err.log);
      });
    }
    return [name, tag] as const;
  }));
  return Object.fromEntries(entries);
}

/** A build's image is untagged for a moment between its commit and its tag: younger ones are left alone. */
export const DISPLACED_MIN_AGE_S = 10;

/**
 * Removes this lab's untagged images that no container uses. Two app windows (or two instances on
 * one engine) that build the same tag at once both build it, and the later tag leaves the earlier
 * build untagged: a whole copy of the image that nothing names. Docker refuses, without force, to
 * remove an image a container uses, so a running session keeps its own (its stop removes it).
 */
export async function removeDisplacedLabImages(docker: Docker, lab: string): Promise<void> {
  const images = await docker.listImages({ filters: { dangling: ['true'], label: [`${LABEL.lab}=${lab}`] } }).catch(() => []);
  if (!images.length) return;
  // The engine's clock, not ours: Docker Desktop's VM clock drifts after a laptop sleeps.
  const now = Date.parse((await docker.info().catch(() => ({})) as { SystemTime?: string }).SystemTime ?? '') || Date.now();
  const settled = now / 1000 - DISPLACED_MIN_AGE_S;
  await Promise.all(images.filter((i) => i.Created < settled).map((i) => docker.getImage(i.Id).remove().catch(() => {})));
}

/** Resolves an image named in lab.yaml: a lab image's name, or a plain reference. */
export function resolveImageRef(images: LabImages, ref: string): string {
  if (ref === LAB_BASE_NAME) return BASE_IMAGE;
  return images[ref] ?? ref;
}
