// How the shell's exit code crosses the pty helper: telnetd's own exit code says nothing of its
// shell, so the shell's EXIT trap prints it as an OSC sequence of ours (pty-in-container.ts).
// This filter takes it out of the output (terminals would ignore it anyway) and keeps the code.
export const EXIT_OSC_PREFIX = '\x1b]6973;exit=';
const PREFIX = Buffer.from(EXIT_OSC_PREFIX, 'latin1');
const BEL = 0x07;
/** Room for the prefix, a code of up to 3 digits and the BEL. */
const MAX_MARKER = PREFIX.length + 4;

export class ShellExitFilter {
  private carry: Buffer | undefined;
  code: number | undefined;

  /** The chunk without markers; a chunk ending with a part of one holds that part back until the next. */
  filter(chunk: Buffer): Buffer {
    let data = this.carry ? Buffer.concat([this.carry, chunk]) : chunk;
    this.carry = undefined;
    for (let at = data.indexOf(PREFIX); at >= 0; at = data.indexOf(PREFIX, at)) {
      const end = data.indexOf(BEL, at + PREFIX.length);
      if (end < 0 && data.length - at < MAX_MARKER) {
        this.carry = data.subarray(at);
        return data.subarray(0, at);
      }
      if (end < 0 || end - at > MAX_MARKER) { at += PREFIX.length; continue; } // not ours after all
      const code = Number(data.subarray(at + PREFIX.length, end).toString('latin1'));
      if (Number.isInteger(code)) this.code = code;
      data = Buffer.concat([data.subarray(0, at), data.subarray(end + 1)]);
    }
    // A part of the prefix at the very end: an escape sequence draws nothing until it is whole anyway.
    for (let k = Math.min(PREFIX.length - 1, data.length); k > 0; k--) {
      if (data.subarray(data.length - k).equals(PREFIX.subarray(0, k))) {
        this.carry = data.subarray(data.length - k);
        return data.subarray(0, data.length - k);
      }
    }
    return data;
  }

  /** What was held back, at the end of the stream. */
  flush(): Buffer {
    const rest = this.carry ?? Buffer.alloc(0);
    this.carry = undefined;
    return rest;
  }
}
