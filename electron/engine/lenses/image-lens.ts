// The image lens: a session's images — the lab images this session was started from (other
// cached builds of the same lab are not this session's) and those the learner built under the
// session's prefix (`lv-<session>-…:v2`) — with their layers and the
// history line that made each, and the layer diff between two of them: what a rebuild shares
// with the old image and what it changed.
import type Docker from 'dockerode';
import type { ImageDiff, ImageLens } from '../../shared/api.js';
import { sessionPrefix } from '../sessions/names.js';

// The lens's shapes are the API's ImageLens and ImageDiff (shared/api-types.ts), which the hosts return as is.
type LensImage = ImageLens['images'][number];
/** A history line, oldest first as the Dockerfile reads; `digest` is its filesystem layer's, absent for lines that add none (ENV, CMD …). */
type ImageLayer = LensImage['layers'][number];

/** A Dockerfile line as history stores it: without the `/bin/sh -c #(nop)` wrapping. */
export function cleanCreatedBy(line: string): string {
  if (!line.trim()) return '(a root filesystem imported with docker import)';
  return line.replace(/^\/bin\/sh -c #\(nop\)\s*/, '').replace(/^\/bin\/sh -c /, 'RUN ').trim();
}

/** History lines that only set metadata make no filesystem layer (legacy builder: `#(nop)` but ADD/COPY; BuildKit: the instruction word). */
const METADATA = /^(?:\/bin\/sh -c #\(nop\)\s*(?!\s|ADD|COPY)|(?:ENV|CMD|LABEL|EXPOSE|WORKDIR|ENTRYPOINT|USER|ARG|VOLUME|STOPSIGNAL|HEALTHCHECK|SHELL|ONBUILD|MAINTAINER)\b)/;

/**
 * Pairs history (newest first, every Dockerfile line) with the rootfs layers (oldest first, one per
 * line that changed files). When they cannot be paired exactly, lines keep no digest and the diff
 * compares them by text.
 */
export function layersOf(history: Array<{ CreatedBy?: string; Size?: number }>, rootfs: string[]): ImageLayer[] {
  const lines = [...history].reverse().map((h) => ({ raw: h.CreatedBy ?? '', layer: { createdBy: cleanCreatedBy(h.CreatedBy ?? ''), sizeBytes: h.Size ?? 0 } as ImageLayer }));
  const makers = lines.filter((l) => !METADATA.test(l.raw));
  if (makers.length === rootfs.length) makers.forEach((l, i) => { l.layer.digest = rootfs[i]; });
  return lines.map((l) => l.layer);
}

async function describe(docker: Docker, ref: string): Promise<LensImage> {
  const image = docker.getImage(ref);
  const [info, history] = await Promise.all([image.inspect(), image.history() as Promise<Array<{ CreatedBy?: string; Size?: number }>>]);
  return {
    ref, id: info.Id, sizeBytes: info.Size, created: info.Created, labels: info.Config.Labels ?? {},
    layers: layersOf(history, info.RootFS?.Layers ?? []),
  };
}

/** The tags of a session's images: the lab images it was started from and those the learner built under the session's prefix. */
export async function sessionImageRefs(docker: Docker, labImages: string[], session: string): Promise<string[]> {
  const prefix = sessionPrefix(session);
  const tags = new Set((await docker.listImages()).flatMap((i) => i.RepoTags ?? []));
  const learners = [...tags].filter((tag) => {
    const repo = tag.slice(0, tag.lastIndexOf(':'));
    return repo === prefix || repo.startsWith(`${prefix}-`);
  });
  return [...new Set([...labImages.filter((ref) => tags.has(ref)), ...learners])].sort();
}

export async function imageLens(docker: Docker, labImages: string[], session: string): Promise<ImageLens> {
  const refs = await sessionImageRefs(docker, labImages, session);
  return { images: await Promise.all(refs.map((r) => describe(docker, r))) };
}

/** The layer diff of two images (by digest; lines that add no layer are compared by their text): `shared` is the cache a rebuild reused. */
export async function imageDiff(docker: Docker, from: string, to: string): Promise<ImageDiff> {
  const [a, b] = await Promise.all([describe(docker, from), describe(docker, to)]);
  const key = (l: ImageLayer) => l.digest ?? `line:${l.createdBy}`;
  const inA = new Set(a.layers.map(key));
  const inB = new Set(b.layers.map(key));
  return {
    from, to,
    shared: a.layers.filter((l) => inB.has(key(l))),
    onlyFrom: a.layers.filter((l) => !inB.has(key(l))),
    onlyTo: b.layers.filter((l) => !inA.has(key(l))),
  };
}
