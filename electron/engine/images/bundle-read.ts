// Reading a bundle file: its manifest (the first entry) and where each payload sits, a pass that
// checks every payload's size and sha256 against the manifest, and payloads as streams for the
// load, read straight from the file in 1 MiB chunks.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { BundleError } from './bundle-error.js';
import { MANIFEST_NAME, parseManifest, type BundleManifest } from './bundle-manifest.js';
import { tarEntries, type TarEntry } from './bundle-tar-index.js';

const CHUNK = 1 << 20;
/** More than any manifest needs: a bigger one is not ours. */
const MANIFEST_MAX = 16 << 20;

export interface OpenedBundle { file: string; size: number; manifest: BundleManifest; entries: TarEntry[] }

const notABundle = (file: string, why: string) => new BundleError(`${file} is not a Labvisor bundle: ${why}`);

/** The manifest and entries of `file`, or a BundleError naming the file and why it is no bundle. */
export async function openBundle(file: string): Promise<OpenedBundle> {
  const st = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new BundleError(err.code === 'ENOENT' ? `${file}: no such file` : `${file}: ${err.message}`, { cause: err });
  });
  if (!st.isFile()) throw new BundleError(`${file} is not a file`);
  const fh = await open(file, 'r');
  try {
    const entries: TarEntry[] = [];
    try {
      for await (const entry of tarEntries(fh, st.size)) entries.push(entry);
    } catch (err) {
      if (!entries.length) throw notABundle(file, `it is not a tar file with ${MANIFEST_NAME} first`);
      throw new BundleError(`${file} is damaged: ${(err as Error).message}`, { cause: err });
    }
    const first = entries[0];
    if (!first) throw notABundle(file, 'it holds no entry');
    if (first.name !== MANIFEST_NAME) throw notABundle(file, `its first entry is ${first.name}, not ${MANIFEST_NAME}`);
    if (first.size > MANIFEST_MAX || first.offset + first.size > st.size) throw notABundle(file, 'its manifest is cut short or too large');
    const text = Buffer.alloc(first.size);
    await fh.read(text, 0, first.size, first.offset);
    const manifest = parseManifest(text.toString('utf8'));
    if (typeof manifest === 'string') throw notABundle(file, manifest);
    return { file, size: st.size, manifest, entries: entries.slice(1) };
  } finally {
    await fh.close();
  }
}

export async function readManifest(file: string): Promise<BundleManifest> {
  return (await openBundle(file)).manifest;
}

/** A payload's bytes, as the file holds them now. */
export function payloadStream(bundle: OpenedBundle, entry: TarEntry, signal?: AbortSignal): AsyncIterable<Buffer> {
  if (!entry.size) return (async function* () { /* nothing */ })();
  return createReadStream(bundle.file, { start: entry.offset, end: entry.offset + entry.size - 1, highWaterMark: CHUNK, ...(signal ? { signal } : {}) });
}

/** The entry of each manifest payload, in the manifest's order; a payload the file lacks is a cut file. */
export function payloadEntries(bundle: OpenedBundle): Array<{ entry: TarEntry; bytes: number; sha256: string; name: string }> {
  const { file, manifest, entries } = bundle;
  const extra = entries.find((e) => !manifest.payloads.some((p) => p.name === e.name));
  if (extra) throw new BundleError(`${file} holds ${extra.name}, which its manifest does not list (tampered?)`);
  return manifest.payloads.map((p) => {
    const entry = entries.find((e) => e.name === p.name);
    if (!entry) throw new BundleError(`${file} is truncated: payload ${p.name} (${p.bytes} bytes, sha256 ${p.sha256}) is missing`);
    if (entry.size !== p.bytes) throw new BundleError(`${file} is tampered: payload ${p.name} has ${entry.size} bytes, its manifest says ${p.bytes}`);
    const held = Math.max(0, Math.min(entry.size, bundle.size - entry.offset));
    if (held < entry.size) throw new BundleError(`${file} is truncated: payload ${p.name} ends after ${held} of ${entry.size} bytes`);
    return { ...p, entry };
  });
}

/**
 * Reads every payload and compares its size and sha256 with the manifest's; throws a BundleError
 * naming the first one that differs or is missing. onBytes hears every chunk read.
 */
export async function verifyPayloads(bundle: OpenedBundle, onBytes: (n: number) => void, signal?: AbortSignal): Promise<void> {
  for (const p of payloadEntries(bundle)) {
    const hash = createHash('sha256');
    for await (const chunk of payloadStream(bundle, p.entry, signal)) {
      hash.update(chunk);
      onBytes(chunk.length);
    }
    const actual = hash.digest('hex');
    if (actual !== p.sha256) {
      throw new BundleError(`${bundle.file} is tampered or damaged: payload ${p.name} has sha256 ${actual}, its manifest says ${p.sha256}`);
    }
  }
}
