// Reading a bundle file: its manifest (the first entry), a pass that checks every payload's size
// and sha256 against it, and the payloads as streams for the load.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extract } from 'tar-stream';
import { BundleError } from './bundle-error.js';
import { MANIFEST_NAME, parseManifest, type BundleManifest } from './bundle-manifest.js';

export interface Payload { name: string; size: number; stream: AsyncIterable<Buffer> }

/** The bundle's entries, in file order. A read error ends the walk with that error. */
async function* entries(file: string, signal?: AbortSignal): AsyncGenerator<Payload> {
  const input = createReadStream(file, { highWaterMark: 1 << 20, ...(signal ? { signal } : {}) });
  const tar = extract();
  input.on('error', (err) => tar.destroy(err));
  input.pipe(tar);
  try {
    for await (const entry of tar) yield { name: entry.header.name, size: entry.header.size ?? 0, stream: entry as AsyncIterable<Buffer> };
  } finally {
    input.destroy();
  }
}

const notABundle = (file: string, why: string) => new BundleError(`${file} is not a Labvisor bundle: ${why}`);

/** The manifest of `file`, or a BundleError naming the file and why it is none. */
export async function readManifest(file: string): Promise<BundleManifest> {
  const st = await stat(file).catch((err: NodeJS.ErrnoException) => {
    throw new BundleError(err.code === 'ENOENT' ? `${file}: no such file` : `${file}: ${err.message}`, { cause: err });
  });
  if (!st.isFile()) throw new BundleError(`${file} is not a file`);
  try {
    for await (const entry of entries(file)) {
      if (entry.name !== MANIFEST_NAME) throw notABundle(file, `its first entry is ${entry.name}, not ${MANIFEST_NAME}`);
      const chunks: Buffer[] = [];
      for await (const c of entry.stream) chunks.push(c);
      const manifest = parseManifest(Buffer.concat(chunks).toString('utf8'));
      if (typeof manifest === 'string') throw notABundle(file, manifest);
      return manifest;
    }
  } catch (err) {
    if (err instanceof BundleError) throw err;
    throw notABundle(file, `it is not a tar file with ${MANIFEST_NAME} first (${(err as Error).message})`);
  }
  throw notABundle(file, 'it is empty');
}

/**
 * Reads every payload and compares its size and sha256 with the manifest's; throws a BundleError
 * naming the first one that differs or is missing. onBytes hears every chunk read.
 */
export async function verifyPayloads(file: string, manifest: BundleManifest, onBytes: (n: number) => void, signal?: AbortSignal): Promise<void> {
  const expected = new Map(manifest.payloads.map((p) => [p.name, p]));
  const seen = new Set<string>();
  let current: { name: string; got: number } | undefined;
  try {
    for await (const entry of entries(file, signal)) {
      if (entry.name === MANIFEST_NAME) {
        for await (const _ of entry.stream) { /* read past */ }
        continue;
      }
      const want = expected.get(entry.name);
      if (!want) throw new BundleError(`${file}: holds ${entry.name}, which its manifest does not list (tampered?)`);
      const hash = createHash('sha256');
      current = { name: entry.name, got: 0 };
      for await (const chunk of entry.stream) {
        hash.update(chunk);
        current.got += chunk.length;
        onBytes(chunk.length);
      }
      const actual = hash.digest('hex');
      if (current.got !== want.bytes) throw new BundleError(`${file} is truncated or tampered: payload ${entry.name} has ${current.got} bytes, its manifest says ${want.bytes}`);
      if (actual !== want.sha256) {
        throw new BundleError(`${file} is tampered or damaged: payload ${entry.name} has sha256 ${actual}, its manifest says ${want.sha256}`);
      }
      seen.add(entry.name);
      current = undefined;
    }
  } catch (err) {
    if (err instanceof BundleError || signal?.aborted) throw err;
    const where = current ? `payload ${current.name} ends after ${current.got} of ${expected.get(current.name)!.bytes} bytes` : (err as Error).message;
    throw new BundleError(`${file} is truncated: ${where}`, { cause: err });
  }
  const missing = manifest.payloads.find((p) => !seen.has(p.name));
  if (missing) throw new BundleError(`${file} is truncated: payload ${missing.name} (${missing.bytes} bytes, sha256 ${missing.sha256}) is missing`);
}

/** The payloads of `file` in order, for the load (after verifyPayloads). */
export async function* payloads(file: string, signal?: AbortSignal): AsyncGenerator<Payload> {
  for await (const entry of entries(file, signal)) {
    if (entry.name === MANIFEST_NAME) {
      for await (const _ of entry.stream) { /* read past */ }
      continue;
    }
    yield entry;
  }
}
