// Writes a bundle as a plain ustar file with entries whose size is known only once written
// (the stream of `docker save`): each header is written first with size 0 and rewritten in place
// when its data is done, and an entry can be reserved now and filled later (the manifest, first in
// the file but known last). So the image tar streams from the engine to the file once, with no
// copy staged on the disk.
import { createHash } from 'node:crypto';
import type { FileHandle } from 'node:fs/promises';

const BLOCK = 512;
/** Data is written in chunks of about this size. */
const FLUSH_AT = 1 << 20;

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`;
}

/** A ustar header; sizes of 8 GiB and over in the base-256 form GNU tar and tar-stream read. */
export function tarHeader(name: string, size: number, mtimeS: number): Buffer {
  if (Buffer.byteLength(name) > 100) throw new Error(`bundle: entry name too long: ${name}`);
  const h = Buffer.alloc(BLOCK);
  h.write(name, 0, 100, 'utf8');
  h.write(octal(0o644, 8), 100, 'ascii');
  h.write(octal(0, 8), 108, 'ascii');
  h.write(octal(0, 8), 116, 'ascii');
  if (size < 8 ** 11) h.write(octal(size, 12), 124, 'ascii');
  else {
    h[124] = 0x80;
    h.writeBigUInt64BE(BigInt(size), 128);
  }
  h.write(octal(Math.floor(mtimeS), 12), 136, 'ascii');
  h.write(' '.repeat(8), 148, 'ascii');
  h.write('0', 156, 'ascii');
  h.write('ustar\u000000', 257, 'ascii');
  let sum = 0;
  for (const byte of h) sum += byte;
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'ascii');
  return h;
}

const padTo = (n: number) => (BLOCK - (n % BLOCK)) % BLOCK;

export interface Written { name: string; bytes: number; sha256: string }

export class TarFileWriter {
  private pos = 0;
  private readonly mtimeS = Math.floor(Date.now() / 1000);

  constructor(private readonly fh: FileHandle) {}

  private async write(buf: Buffer, at = this.pos): Promise<void> {
    let done = 0;
    while (done < buf.length) done += (await this.fh.write(buf, done, buf.length - done, at + done)).bytesWritten;
    if (at === this.pos) this.pos += buf.length;
  }

  /** Reserves an entry of exactly `bytes` bytes; the returned function fills it (padded with spaces). */
  async reserve(name: string, bytes: number): Promise<(data: Buffer) => Promise<void>> {
    const at = this.pos;
    await this.write(tarHeader(name, bytes, this.mtimeS));
    await this.write(Buffer.alloc(bytes + padTo(bytes), 0x20));
    return async (data) => {
      if (data.length > bytes) throw new Error(`bundle: ${name} needs ${data.length} bytes, ${bytes} were reserved`);
      await this.write(data, at + BLOCK);
    };
  }

  /** Adds an entry from a stream of unknown length; onBytes hears each chunk's size. */
  async addStream(name: string, data: AsyncIterable<Buffer> | Iterable<Buffer>, onBytes: (n: number) => void = () => {}): Promise<Written> {
    const at = this.pos;
    await this.write(tarHeader(name, 0, this.mtimeS));
    const hash = createHash('sha256');
    let bytes = 0;
    let pending: Buffer[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (!pendingBytes) return;
      await this.write(Buffer.concat(pending, pendingBytes));
      pending = [];
      pendingBytes = 0;
    };
    for await (const chunk of data) {
      hash.update(chunk);
      bytes += chunk.length;
      pending.push(chunk);
      pendingBytes += chunk.length;
      onBytes(chunk.length);
      if (pendingBytes >= FLUSH_AT) await flush();
    }
    await flush();
    await this.write(Buffer.alloc(padTo(bytes)));
    await this.write(tarHeader(name, bytes, this.mtimeS), at);
    return { name, bytes, sha256: hash.digest('hex') };
  }

  async addBuffer(name: string, data: Buffer): Promise<Written> {
    return this.addStream(name, [data]);
  }

  /** The end-of-archive marker: two zero blocks. */
  async finish(): Promise<number> {
    await this.write(Buffer.alloc(2 * BLOCK));
    return this.pos;
  }
}
