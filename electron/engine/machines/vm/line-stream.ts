// A byte stream read as lines: the guest agent speaks plain lines.
import type { Duplex } from 'node:stream';
import { NoAnswerError } from '../../errors.js';

export interface LineStream {
  socket: Duplex;
  /**
   * Resolves with the next line for which `match` returns a value, or rejects when the socket
   * closes, or was dropped for a line over MAX_LINE_BYTES, or with a NoAnswerError after timeoutMs.
   */
  next<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T>;
  send(line: string): void;
  close(): void;
}

/** Lines nobody asked for (replies after a timeout) are kept up to this many. */
const MAX_UNREAD = 1000;
/** The longest line kept: the agent's longest (64 KiB of output, base64) with room to spare. */
const MAX_LINE_BYTES = 256 * 1024;

/** Reads a byte stream (the agent's channel through the VM's runner) as lines. */
export function lineStream(socket: Duplex): LineStream {
  // The bytes of a line not yet ended: never holding a newline, so each chunk is scanned alone.
  let partial: Buffer[] = [];
  let partialBytes = 0;
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  let closed = false;
  let failure: Error | undefined;
  socket.on('data', (chunk: Buffer) => {
    let start = 0;
    let nl: number;
    // Bytes, not text: no byte of a multi-byte UTF-8 character is a newline.
    while ((nl = chunk.indexOf(0x0a, start)) >= 0) {
      lines.push(Buffer.concat([...partial, chunk.subarray(start, nl)]).toString('utf8').replace(/\r$/, ''));
      partial = [];
      partialBytes = 0;
      start = nl + 1;
    }
    if (start < chunk.length) {
      partial.push(chunk.subarray(start));
      partialBytes += chunk.length - start;
    }
    if (lines.length > MAX_UNREAD) lines.splice(0, lines.length - MAX_UNREAD);
    // A guest that never ends its line would otherwise fill the host's memory: drop the channel.
    if (partialBytes > MAX_LINE_BYTES) {
      partial = [];
      failure = new Error(`the guest sent over ${MAX_LINE_BYTES / 1024} KiB without a newline`);
      socket.destroy();
      end();
      return;
    }
    waiters.forEach((w) => w());
  });
  const end = () => { closed = true; waiters.forEach((w) => w()); };
  socket.on('end', end);
  socket.on('close', end);
  socket.on('error', end);

  return {
    socket,
    next<T>(match: (line: string) => T | undefined, timeoutMs: number): Promise<T> {
      return new Promise<T>((resolve, reject) => {
        const look = () => {
          for (let i = 0; i < lines.length; i++) {
            const value = match(lines[i]!);
            if (value !== undefined) {
              lines.splice(i, 1);
              finish();
              resolve(value);
              return;
            }
          }
          if (closed) { finish(); reject(failure ?? new Error('the connection closed')); }
        };
        const timer = setTimeout(() => { finish(); reject(new NoAnswerError(timeoutMs)); }, timeoutMs);
        const finish = () => { clearTimeout(timer); waiters.delete(look); };
        waiters.add(look);
        look();
      });
    },
    send(line: string) { socket.write(`${line}\n`); },
    close() { socket.destroy(); },
  };
}
