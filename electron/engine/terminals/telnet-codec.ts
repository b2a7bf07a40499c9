// The telnet framing of busybox `telnetd -i`, the pty helper inside containers (pty-in-container.ts).
// Only what that server speaks: it offers options (IAC DO/WILL …) we need not answer, doubles 0xFF
// in its output, and reads a window size (NAWS) and CR NUL from us. Everything else is pty bytes.
const IAC = 0xff;
const SB = 0xfa;
const SE = 0xf0;
const NAWS = 31;
const CR = 0x0d;

type State = 'data' | 'iac' | 'option' | 'sub' | 'sub-iac';

/** Strips telnet commands from the server's output; keeps state across chunks (a command may be split). */
export class TelnetDecoder {
  private state: State = 'data';

  decode(chunk: Buffer): Buffer {
    // Fast path: most chunks carry no command at all.
    if (this.state === 'data' && !chunk.includes(IAC)) return chunk;
    const out = Buffer.allocUnsafe(chunk.length);
    let n = 0;
    for (const byte of chunk) {
      switch (this.state) {
        case 'data':
          if (byte === IAC) this.state = 'iac';
          else out[n++] = byte;
          break;
        case 'iac':
          if (byte === IAC) { out[n++] = IAC; this.state = 'data'; } // a doubled 0xFF is one data byte
          else if (byte === SB) this.state = 'sub';
          else if (byte >= 0xfb) this.state = 'option'; // WILL, WONT, DO, DONT take an option byte
          else this.state = 'data'; // a two-byte command (NOP, GA, …)
          break;
        case 'option':
          this.state = 'data';
          break;
        case 'sub':
          if (byte === IAC) this.state = 'sub-iac';
          break;
        case 'sub-iac':
          this.state = byte === SE ? 'data' : 'sub';
          break;
      }
    }
    return out.subarray(0, n);
  }
}

/** Keyboard bytes for the server: 0xFF doubled, CR as CR NUL (telnetd eats the byte after a CR when it is LF or NUL). */
export function encodeInput(data: string): Buffer {
  const bytes = Buffer.from(data, 'utf8');
  if (!bytes.includes(CR) && !bytes.includes(IAC)) return bytes;
  const out: number[] = [];
  for (const b of bytes) {
    out.push(b);
    if (b === IAC) out.push(IAC);
    else if (b === CR) out.push(0);
  }
  return Buffer.from(out);
}

/** The window size as a NAWS subnegotiation; telnetd sets it on the pty (TIOCSWINSZ), so programs get SIGWINCH. */
export function nawsFrame(cols: number, rows: number): Buffer {
  const size = [cols >> 8, cols & 0xff, rows >> 8, rows & 0xff].flatMap((b) => (b === IAC ? [IAC, IAC] : [b]));
  return Buffer.from([IAC, SB, NAWS, ...size, IAC, SE]);
}
