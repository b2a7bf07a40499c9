// The output of an exec without a TTY: frames of an 8-byte header (stream type, 0, 0, 0, big-endian
// payload length) and the payload. Dockerode's demuxStream reads on 'readable', so pausing the
// socket would not stop it; this one is fed from 'data' events, which a paused socket holds back.
export type ExecOutput = 'stdout' | 'stderr';

const HEADER = 8;

export class ExecDemuxer {
  private header = Buffer.alloc(HEADER);
  private headerFill = 0;
  private payloadLeft = 0;
  private current: ExecOutput = 'stdout';

  constructor(private readonly onPayload: (stream: ExecOutput, bytes: Buffer) => void) {}

  /** Takes any slice of the socket's bytes; payloads come out as soon as they arrive (no copy). */
  push(chunk: Buffer): void {
    let at = 0;
    while (at < chunk.length) {
      if (this.payloadLeft > 0) {
        const n = Math.min(this.payloadLeft, chunk.length - at);
        this.onPayload(this.current, chunk.subarray(at, at + n));
        this.payloadLeft -= n;
        at += n;
        continue;
      }
      const n = Math.min(HEADER - this.headerFill, chunk.length - at);
      chunk.copy(this.header, this.headerFill, at, at + n);
      this.headerFill += n;
      at += n;
      if (this.headerFill < HEADER) return;
      this.headerFill = 0;
      // 1 is stdout, 2 stderr; 0 (stdin) is never sent back.
      this.current = this.header[0] === 2 ? 'stderr' : 'stdout';
      this.payloadLeft = this.header.readUInt32BE(4);
    }
  }
}
