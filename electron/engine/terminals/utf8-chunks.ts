// Terminal output is bytes, but the UI decodes each data frame on its own: a character split
// across two frames would show as two replacement glyphs. These keep frames on character edges.

/** How many bytes at the end of `buf` start a UTF-8 character that is not complete yet. */
export function incompleteTail(buf: Uint8Array): number {
  for (let back = 1; back <= Math.min(3, buf.length); back++) {
    const b = buf[buf.length - back]!;
    if ((b & 0xc0) === 0x80) continue; // a continuation byte: look further back for the lead
    const need = b >= 0xf8 ? 1 : b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
    return need > back ? back : 0;
  }
  return 0;
}

/** Holds back an incomplete character at the end of each chunk until the next one completes it. */
export class Utf8Chunker {
  private held: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer {
    const data = this.held.length ? Buffer.concat([this.held, chunk]) : chunk;
    const cut = data.length - incompleteTail(data);
    this.held = Buffer.from(data.subarray(cut));
    return data.subarray(0, cut);
  }

  /** What is held back, as is: at the end of output an incomplete character stays incomplete. */
  flush(): Buffer {
    const rest = this.held;
    this.held = Buffer.alloc(0);
    return rest;
  }

  get heldBytes(): number { return this.held.length; }
}

/** Splits `buf` into pieces of at most `max` bytes (max >= 4), never inside a character. */
export function utf8Pieces(buf: Buffer, max: number): Buffer[] {
  const pieces: Buffer[] = [];
  let offset = 0;
  while (buf.length - offset > max) {
    const window = buf.subarray(offset, offset + max);
    const end = offset + max - incompleteTail(window);
    pieces.push(buf.subarray(offset, end));
    offset = end;
  }
  if (offset < buf.length) pieces.push(buf.subarray(offset));
  return pieces;
}

/** Skips continuation bytes at the start (a ring buffer that wrapped cuts a character). */
export function fromCharStart(buf: Buffer): Buffer {
  let i = 0;
  while (i < Math.min(3, buf.length) && (buf[i]! & 0xc0) === 0x80) i++;
  return buf.subarray(i);
}
