// A writer of the "newc" cpio format (magic 070701), the one the Linux kernel unpacks as its
// initramfs, so a guest is packed in Node, without root and without a cpio program. Each entry
// is a 110-byte ASCII header, the NUL-terminated name and the data, each padded to 4 bytes.
// It writes to a file rather than any stream: a hard link is known only when it comes, after
// its file's header went out, and that header's link count must then be raised in place.
import { once } from 'node:events';
import { createWriteStream, type WriteStream } from 'node:fs';
import { open } from 'node:fs/promises';

export type NewcType = 'file' | 'directory' | 'symlink';

export interface NewcEntry {
  /** A path without a leading slash: "bin/sh". */
  name: string;
  type: NewcType;
  /** Permission bits, with setuid, setgid and sticky. */
  mode: number;
  uid?: number;
  gid?: number;
  /** Seconds since the epoch. */
  mtime?: number;
  /** For a file whose data comes as chunks: how many bytes they make. */
  size?: number;
  /** For a symlink: its target. */
  linkname?: string;
}

const TYPE_BITS: Record<NewcType, number> = { file: 0o100000, directory: 0o040000, symlink: 0o120000 };
const HEADER_SIZE = 110;
/** Where c_nlink sits in a header: after the magic and the ino, mode, uid and gid fields. */
const NLINK_AT = 6 + 4 * 8;

const hex8 = (n: number, field: string): string => {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`cpio: ${field} ${n} does not fit in 32 bits`);
  return n.toString(16).padStart(8, '0');
};
const padding = (n: number) => Buffer.alloc((4 - (n % 4)) % 4);

interface Header { ino: number; mode: number; uid: number; gid: number; nlink: number; mtime: number; size: number; name: string }

function encode(h: Header): Buffer {
  const name = Buffer.from(`${h.name}\0`);
  const fields = [h.ino, h.mode, h.uid, h.gid, h.nlink, h.mtime, h.size, 0, 0, 0, 0, name.length, 0];
  const names = ['ino', 'mode', 'uid', 'gid', 'nlink', 'mtime', 'size', 'devmajor', 'devminor', 'rdevmajor', 'rdevminor', 'namesize', 'check'];
  const text = `070701${fields.map((f, i) => hex8(f, names[i]!)).join('')}`;
  return Buffer.concat([Buffer.from(text, 'ascii'), name, padding(HEADER_SIZE + name.length)]);
}

export class NewcWriter {
  private readonly out: WriteStream;
  private failure: Error | undefined;
  private offset = 0;
  private lastIno = 0;
  /** Each regular file's header, by inode, so a hard link can copy it. */
  private readonly files = new Map<number, { offset: number; header: Header }>();
  /** Header offsets of every name of an inode that got hard links. */
  private readonly links = new Map<number, number[]>();
  /** Entries written, the trailer aside. */
  count = 0;

  constructor(readonly path: string) {
    this.out = createWriteStream(path);
    this.out.on('error', (err) => { this.failure ??= err; });
  }

  /** Adds an entry and returns its inode number (for link()). Data: a file's bytes, whole or as chunks of entry.size bytes. */
  async add(entry: NewcEntry, data?: Buffer | AsyncIterable<Buffer>): Promise<number> {
    if (entry.type !== 'file' && data) throw new Error(`cpio: ${entry.name}: only files have data`);
    const body = entry.type === 'symlink' ? Buffer.from(entry.linkname ?? '') : Buffer.isBuffer(data) ? data : undefined;
    const size = body?.length ?? (data ? entry.size ?? 0 : 0);
    const header: Header = {
      ino: ++this.lastIno, mode: TYPE_BITS[entry.type] | (entry.mode & 0o7777), uid: entry.uid ?? 0, gid: entry.gid ?? 0,
      nlink: entry.type === 'directory' ? 2 : 1, mtime: Math.max(0, Math.floor(entry.mtime ?? 0)), size, name: entry.name,
    };
    if (entry.type === 'file') this.files.set(header.ino, { offset: this.offset, header });
    await this.write(encode(header));
    if (body) await this.write(body);
    else if (data) {
      let got = 0;
      for await (const chunk of data as AsyncIterable<Buffer>) {
        got += chunk.length;
        await this.write(chunk);
      }
      if (got !== size) throw new Error(`cpio: ${entry.name}: expected ${size} bytes of data, got ${got}`);
    }
    await this.write(padding(size));
    this.count++;
    return header.ino;
  }

  /** Adds `name` as another name (hard link) of the file with inode `ino`. */
  async link(name: string, ino: number): Promise<void> {
    const target = this.files.get(ino);
    if (!target) throw new Error(`cpio: ${name}: hard link to an unknown file (inode ${ino})`);
    const offsets = this.links.get(ino) ?? [target.offset];
    offsets.push(this.offset);
    this.links.set(ino, offsets);
    // The data went out with the first name; the kernel links later names with nlink ≥ 2 to it.
    await this.write(encode({ ...target.header, size: 0, name }));
    this.count++;
  }

  /** Writes the trailer, closes the file and sets the link counts of hard-linked files. */
  async finish(): Promise<void> {
    await this.write(encode({ ino: 0, mode: 0, uid: 0, gid: 0, nlink: 1, mtime: 0, size: 0, name: 'TRAILER!!!' }));
    this.out.end();
    await once(this.out, 'close');
    if (this.failure) throw this.failure;
    if (!this.links.size) return;
    const fh = await open(this.path, 'r+');
    try {
      for (const offsets of this.links.values()) {
        const nlink = Buffer.from(hex8(offsets.length, 'nlink'), 'ascii');
        for (const at of offsets) await fh.write(nlink, 0, nlink.length, at + NLINK_AT);
      }
    } finally {
      await fh.close();
    }
  }

  /** Closes the file after a failure; the caller removes it. */
  abort(): void {
    this.out.destroy();
  }

  private async write(buf: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.offset += buf.length;
    if (!this.out.write(buf)) await once(this.out, 'drain');
  }
}
