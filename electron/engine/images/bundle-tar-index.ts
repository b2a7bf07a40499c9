// Where each entry of a bundle's tar sits in the file, read from its headers alone, so payloads
// are then read (hashed, sent to the engine) straight from the file in large chunks rather than
// through a tar parser. A header whose checksum is wrong means the file is not a tar (or damaged).
import type { FileHandle } from 'node:fs/promises';

const BLOCK = 512;

export interface TarEntry { name: string; offset: number; size: number }

function field(h: Buffer, from: number, len: number): string {
  return h.toString('utf8', from, from + len).replace(/\0.*$/s, '').trim();
}

function entrySize(h: Buffer): number {
  if (h[124]! & 0x80) return Number(h.readBigUInt64BE(128));
  const text = field(h, 124, 12);
  return text ? parseInt(text, 8) : 0;
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : h[i]!;
  return parseInt(field(h, 148, 8), 8) === sum;
}

/**
 * The entries of the tar in `fh`, in order, up to the end marker or the file's end. An entry
 * whose data runs past the end is listed with its declared size (the reader reports the cut).
 * Throws when a header is not one (checksum) — `at` says where.
 */
export async function* tarEntries(fh: FileHandle, fileSize: number): AsyncGenerator<TarEntry> {
  const h = Buffer.alloc(BLOCK);
  let at = 0;
  let longName: string | undefined;
  while (at + BLOCK <= fileSize) {
    await fh.read(h, 0, BLOCK, at);
    if (h.every((b) => b === 0)) return;
    if (!checksumOk(h)) throw new Error(`no tar header at byte ${at}`);
    const size = entrySize(h);
    const type = String.fromCharCode(h[156]!);
    const offset = at + BLOCK;
    at = offset + Math.ceil(size / BLOCK) * BLOCK;
    if (type === 'L') {
      // A GNU long name: the next entry's name is this entry's data.
      const name = Buffer.alloc(size);
      await fh.read(name, 0, size, offset);
      longName = name.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    const prefix = field(h, 345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(h, 0, 100)}` : field(h, 0, 100));
    longName = undefined;
    if (type === '0' || type === '\0') yield { name, offset, size };
  }
}
