// bundle-load and bundle-size: a workshop bundle of every bundled lab, loaded with `loadBundle`
// (verify every digest, load through the API, check every image id, labs) against a raw
// `docker load -i` of the very image tar inside it. Before each run the bundle's images are
// removed, as on an attendee's engine that never had them; layers other images still use stay.
import { createWriteStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBundle } from '../../electron/engine/images/bundle-create.js';
import { loadBundle } from '../../electron/engine/images/bundle-load.js';
import { IMAGES_PAYLOAD } from '../../electron/engine/images/bundle-manifest.js';
import { openBundle, payloadEntries, payloadStream } from '../../electron/engine/images/bundle-read.js';
import { defer } from '../cleanup.js';
import type { BenchContext } from '../context.js';
import { interleave, since } from '../measure.js';
import { ratioMetric, type Metric } from '../report.js';
import { summarize } from '../stats.js';
import { docker } from '../support/docker-cli.js';

export async function bundleMetrics(ctx: BenchContext): Promise<Metric[]> {
  const dir = await mkdtemp(join(tmpdir(), 'lvbench-bundle-'));
  const remove = defer(`bundle files in ${dir}`, () => rm(dir, { recursive: true, force: true }));
  try {
    ctx.progress('bundle: creating a bundle of every bundled lab (each starts once)');
    const file = join(dir, 'all-labs.bundle');
    const t0 = performance.now();
    const created = await createBundle(ctx.docker, ctx.engine, file);
    const createMs = since(t0);
    const imageTar = join(dir, IMAGES_PAYLOAD);
    const bundle = await openBundle(file);
    const images = payloadEntries(bundle).find((p) => p.name === IMAGES_PAYLOAD)!;
    await pipeline(payloadStream(bundle, images.entry), createWriteStream(imageTar));
    const rawBytes = (await stat(imageTar)).size;
    ctx.progress(`bundle-load: loadBundle of ${created.manifest.labs.length} labs vs docker load -i of the same ${Math.round(rawBytes / 1e6)} MB image tar`);
    const plan = { warmups: 0, runs: ctx.quick ? 1 : 3 };
    // Untagged, an image goes with its layers no other image uses; one a container runs is an error.
    const evict = () => Promise.all(created.manifest.images.map((i) => ctx.docker.getImage(i.ref).remove()
      .catch((err: { statusCode?: number }) => { if (err.statusCode !== 404) throw err; })));
    const r = await interleave(plan, {
      ours: async () => {
        await evict();
        const t = performance.now();
        await loadBundle(ctx.docker, ctx.engine, file);
        return since(t);
      },
      raw: async () => {
        await evict();
        const t = performance.now();
        await docker(['load', '-q', '-i', imageTar]);
        return since(t);
      },
    }, ctx.progress);
    const facts = { labs: created.manifest.labs.length, images: created.manifest.images.length, createS: Math.round(createMs / 1000) };
    return [
      ratioMetric({
        id: 'bundle-load', title: `Workshop bundle load (${facts.labs} labs, ${facts.images} images)`, unit: 'ms',
        ours: summarize(r.ours), base: summarize(r.raw), target: null, extra: { ...facts, bundleBytes: created.bytes, imageTarBytes: rawBytes },
        note: 'ours: `loadBundle` — read the manifest, verify every payload\'s sha256, load the image tar through the API, check every image id, ' +
          'compare the labs (so it reads the file twice: every digest is checked before a byte reaches the engine); baseline: `docker load -i` of the same ' +
          'image tar. Before each run the bundle\'s images are removed (layers other images still use stay, ' +
          `as on an engine that ran other labs). Creating the bundle took ${facts.createS} s (not timed here).`,
      }),
      ratioMetric({
        id: 'bundle-size', title: 'Workshop bundle size', unit: 'MB',
        ours: summarize([created.bytes / 1e6]), base: summarize([rawBytes / 1e6]), target: null, extra: facts,
        note: 'ours: the bundle file (manifest, lab folders, image tar); baseline: the `docker save` tar of the same images alone (shared layers once in both).',
      }),
    ];
  } finally {
    await remove();
  }
}
