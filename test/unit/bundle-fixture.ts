// A bundle file made without an engine, for the unit tests: the manifest, one lab and an
// "image tar" of chosen bytes, written by the same writer `bundle create` uses.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { pack } from 'tar-stream';
import { BUNDLE_FORMAT, IMAGES_PAYLOAD, labPayload, MANIFEST_NAME, type BundleManifest } from '../../electron/engine/images/bundle-manifest.js';
import { TarFileWriter } from '../../electron/engine/images/bundle-tar-writer.js';

export const IMAGE_ID = `sha256:${'a'.repeat(64)}`;

export async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const tar = pack();
  for (const [name, text] of Object.entries(files)) tar.entry({ name, mtime: new Date(0) }, text);
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const c of tar) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

export interface FixtureOptions { platforms?: string[]; images?: Buffer; labId?: string; manifest?: (m: BundleManifest) => BundleManifest }

/** Writes a bundle to `file`; returns its manifest. */
export async function writeBundle(file: string, o: FixtureOptions = {}): Promise<BundleManifest> {
  const labId = o.labId ?? 'bundle-fixture-lab';
  const lab = await tarOf({ 'lab.yaml': `id: ${labId}\n`, 'steps/01.md': '# one\n' });
  const images = o.images ?? Buffer.from('the bytes of docker save'.repeat(1000));
  const digest = (b: Buffer) => createHash('sha256').update(b).digest('hex');
  let manifest: BundleManifest = {
    format: BUNDLE_FORMAT, labvisor: '0.0.0-test', created: new Date(0).toISOString(), platforms: o.platforms ?? ['linux/amd64'],
    labs: [{ id: labId, title: 'A fixture', hash: 'b'.repeat(64) }],
    images: [{ ref: 'labvisor/bundle-fixture:1', id: IMAGE_ID, size: images.length, role: 'lab', platform: 'linux/amd64' }],
    payloads: [
      { name: labPayload(labId), bytes: lab.length, sha256: digest(lab) },
      { name: IMAGES_PAYLOAD, bytes: images.length, sha256: digest(images) },
    ],
  };
  if (o.manifest) manifest = o.manifest(manifest);
  const fh = await open(file, 'w');
  const writer = new TarFileWriter(fh);
  const text = Buffer.from(JSON.stringify(manifest));
  await (await writer.reserve(MANIFEST_NAME, text.length + 100))(text);
  await writer.addBuffer(labPayload(labId), lab);
  await writer.addStream(IMAGES_PAYLOAD, (async function* () { yield images.subarray(0, 5000); yield images.subarray(5000); })());
  await writer.finish();
  await fh.close();
  return manifest;
}
