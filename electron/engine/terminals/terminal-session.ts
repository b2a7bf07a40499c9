// One terminal on one machine, shared by whoever looks at it (an Electron window, a browser
// tab): live output with scrollback replay on attach, acknowledgement-based flow control, and
// an exit event after the last output. Detaching keeps it running; close() ends it.
import { randomBytes } from 'node:crypto';
import { FLOW, SCROLLBACK_BYTES, type TerminalIn, type TerminalOut } from '../../shared/terminal-protocol.js';
import { ByteRing } from './byte-ring.js';
import { fromCharStart, Utf8Chunker, utf8Pieces } from './utf8-chunks.js';
import type { SourceExit, TerminalSource } from './terminal-source.js';
import type { MachineKind } from '../../shared/api.js';
import { isTerminalCells, MAX_TERMINAL_CELLS } from '../../shared/ids.js';

export type TerminalListener = (out: TerminalOut) => void;

/** Sees a terminal's output (whole characters) and sizes as they happen: a recording. No part of flow control. */
export interface TerminalTap {
  output(data: Buffer): void;
  resize(cols: number, rows: number): void;
  /** The terminal ended: nothing more comes. */
  ended(): void;
}

/**
 * Terminal output goes out in data frames of at most this many bytes, so a replayed scrollback is
 * not one huge message (far below the WebSocket's own frame limit, api-wire.ts).
 */
export const MAX_OUTPUT_CHUNK_BYTES = 32 * 1024;

export interface TerminalStats {
  /** Sent to the slowest listener and not acknowledged yet (what transports may be holding). */
  unackedBytes: number;
  /** The most `unackedBytes` ever reached: bounded by FLOW.HIGH plus one read of the source. */
  maxUnackedBytes: number;
  scrollbackBytes: number;
  /** An incomplete character waiting for its last bytes. */
  heldBytes: number;
  paused: boolean;
  /** How many times flow control held the source back. */
  pauses: number;
  outputBytes: number;
}

export class TerminalSizeError extends RangeError {
  constructor(cols: unknown, rows: unknown) {
    super(`terminal size must be whole numbers from 1 to ${MAX_TERMINAL_CELLS}, got ${String(cols)}x${String(rows)}`);
    this.name = 'TerminalSizeError';
  }
}

export function assertSize(cols: unknown, rows: unknown): void {
  if (!isTerminalCells(cols) || !isTerminalCells(rows)) throw new TerminalSizeError(cols, rows);
}

export class TerminalSession {
  readonly id = `t-${randomBytes(6).toString('hex')}`;
  private readonly ring = new ByteRing(SCROLLBACK_BYTES);
  private readonly utf8 = new Utf8Chunker();
  /** Each listener with its unacknowledged bytes. */
  private readonly listeners = new Map<TerminalListener, number>();
  private readonly taps = new Set<TerminalTap>();
  private paused = false;
  private pauses = 0;
  private maxUnacked = 0;
  private outputBytes = 0;
  private ended?: SourceExit;
  private closing?: Promise<void>;

  constructor(
    readonly machine: string,
    readonly kind: MachineKind,
    private readonly source: TerminalSource,
    private size: { cols: number; rows: number },
  ) {
    source.onData((chunk) => this.output(this.utf8.push(chunk)));
    source.onExit((exit) => this.finish(exit));
  }

  get cols(): number { return this.size.cols; }
  get rows(): number { return this.size.rows; }
  /** How it ended, once it has. */
  get exit(): SourceExit | undefined { return this.ended; }

  /** Replays the scrollback, then streams live output (and the exit, if it came). */
  attach(listener: TerminalListener): void {
    if (this.listeners.has(listener)) return;
    this.listeners.set(listener, 0);
    for (const piece of utf8Pieces(fromCharStart(this.ring.contents()), MAX_OUTPUT_CHUNK_BYTES)) this.send(listener, piece);
    if (this.ended) this.sendExit(listener);
    this.updateFlow();
  }

  /** Output from now on goes to `tap` too (an ended terminal tells it at once); returns the untap. */
  tap(tap: TerminalTap): () => void {
    if (this.ended) tap.ended();
    else this.taps.add(tap);
    return () => { this.taps.delete(tap); };
  }

  /** Stops sending to this listener; the terminal keeps running. */
  detach(listener: TerminalListener): void {
    this.listeners.delete(listener);
    this.updateFlow();
  }

  /** Keystrokes. To a terminal that ended, the answer is its exit event, sent to `from` (else to all). */
  input(data: string, from?: TerminalListener): void {
    if (this.ended) {
      for (const l of from ? [from] : [...this.listeners.keys()]) this.sendExit(l);
      return;
    }
    this.source.write(data);
  }

  resize(cols: number, rows: number): void {
    assertSize(cols, rows);
    this.size = { cols, rows };
    if (!this.ended) this.source.resize(cols, rows);
    this.toTaps((t) => t.resize(cols, rows));
  }

  /** `bytes` of data rendered by `from` (by every listener when not given: one UI, no identity). */
  ack(bytes: number, from?: TerminalListener): void {
    if (!Number.isFinite(bytes) || bytes < 0) return;
    for (const l of from ? [from] : [...this.listeners.keys()]) {
      const left = this.listeners.get(l);
      if (left !== undefined) this.listeners.set(l, Math.max(0, left - bytes));
    }
    this.updateFlow();
  }

  /** A frame from a UI, as both hosts receive them. */
  receive(frame: TerminalIn, from: TerminalListener): void {
    if (frame.type === 'input') this.input(frame.data, from);
    else if (frame.type === 'resize') this.resize(frame.cols, frame.rows);
    else this.ack(frame.bytes, from);
  }

  /** Ends the terminal and what runs in it; listeners get an exit event. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (!this.ended) await this.source.close().catch(() => {});
      this.finish({ code: null, reason: 'terminal closed' });
    })();
    return this.closing;
  }

  stats(): TerminalStats {
    return {
      unackedBytes: this.worstUnacked(), maxUnackedBytes: this.maxUnacked, scrollbackBytes: this.ring.length,
      heldBytes: this.utf8.heldBytes, paused: this.paused, pauses: this.pauses, outputBytes: this.outputBytes,
    };
  }

  private output(data: Buffer): void {
    if (!data.length) return;
    this.outputBytes += data.length;
    this.ring.push(data);
    this.toTaps((t) => t.output(data));
    for (const piece of utf8Pieces(data, MAX_OUTPUT_CHUNK_BYTES)) {
      for (const l of [...this.listeners.keys()]) this.send(l, piece);
    }
    this.updateFlow();
  }

  private send(listener: TerminalListener, data: Buffer): void {
    const unacked = (this.listeners.get(listener) ?? 0) + data.length;
    this.listeners.set(listener, unacked);
    this.maxUnacked = Math.max(this.maxUnacked, unacked);
    this.deliver(listener, { type: 'data', data });
  }

  private sendExit(listener: TerminalListener): void {
    const { code, reason } = this.ended!;
    this.deliver(listener, reason === undefined ? { type: 'exit', code } : { type: 'exit', code, reason });
  }

  /** A listener that throws (a transport gone) is detached, so it cannot stall the others. */
  private deliver(listener: TerminalListener, frame: TerminalOut): void {
    try {
      listener(frame);
    } catch {
      this.listeners.delete(listener);
    }
  }

  /** The last output first, then the exit, once. */
  private finish(exit: SourceExit): void {
    if (this.ended) return;
    this.output(this.utf8.flush());
    this.ended = exit;
    for (const l of [...this.listeners.keys()]) this.sendExit(l);
    this.toTaps((t) => t.ended());
    this.taps.clear();
  }

  /** A tap that throws is dropped: a recording never breaks the terminal. */
  private toTaps(call: (tap: TerminalTap) => void): void {
    for (const t of [...this.taps]) {
      try { call(t); } catch { this.taps.delete(t); }
    }
  }

  private worstUnacked(): number {
    return Math.max(0, ...this.listeners.values());
  }

  /** Pause above HIGH, resume below LOW; nobody watching → keep reading into the scrollback. */
  private updateFlow(): void {
    if (this.ended) return;
    const worst = this.worstUnacked();
    if (!this.paused && worst > FLOW.HIGH) {
      this.paused = true;
      this.pauses++;
      this.source.pause();
    } else if (this.paused && worst < FLOW.LOW) {
      this.paused = false;
      this.source.resume();
    }
  }
}
