// The scrollback: the last `capacity` bytes of a terminal's output in one fixed buffer, so a
// terminal that prints forever costs the same memory as one that printed a screenful.

export class ByteRing {
  private readonly buf: Buffer;
  private start = 0;
  private size = 0;

  constructor(readonly capacity: number) {
    this.buf = Buffer.alloc(capacity);
  }

  get length(): number { return this.size; }

  push(chunk: Uint8Array): void {
    if (chunk.length >= this.capacity) {
      this.buf.set(chunk.subarray(chunk.length - this.capacity));
      this.start = 0;
      this.size = this.capacity;
      return;
    }
    const end = (this.start + this.size) % this.capacity;
    const first = Math.min(chunk.length, this.capacity - end);
    this.buf.set(chunk.subarray(0, first), end);
    this.buf.set(chunk.subarray(first), 0);
    const overflow = Math.max(0, this.size + chunk.length - this.capacity);
    this.start = (this.start + overflow) % this.capacity;
    this.size = Math.min(this.capacity, this.size + chunk.length);
  }

  /** A copy of the contents, oldest byte first. */
  contents(): Buffer {
    const head = this.buf.subarray(this.start, Math.min(this.capacity, this.start + this.size));
    const tail = this.buf.subarray(0, this.size - head.length);
    return Buffer.concat([head, tail]);
  }
}
