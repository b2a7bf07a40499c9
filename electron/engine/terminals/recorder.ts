// Records a lab session's terminals as asciicast v2 files (https://docs.asciinema.org/manual/asciicast/v2/):
// one file per terminal, a JSON header line, then one `[seconds, code, data]` line per event —
// "o" output, "r" a resize to "COLSxROWS", "m" a marker (here: the step the learner opened).
// Files are written as the output comes, and a recording stops itself past a size limit.
import { createWriteStream, type WriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { RecordingSummary } from '../../shared/api.js';
import type { TerminalSession } from './terminal-session.js';

/** All files of one recording together stay below this. */
export const RECORDING_MAX_BYTES = 50 * 1024 * 1024;

/** The terminals a recording follows: those open now and those opened later. */
export interface RecordedTerminals {
  list(): TerminalSession[];
  onOpen(listener: (t: TerminalSession) => void): () => void;
}

export interface RecordingOptions {
  /** The recording's folder (made here; must not exist yet). */
  dir: string;
  /** Shown as each file's title: "lab — machine". */
  lab: string;
  startedAt?: Date;
  maxBytes?: number;
  /** Called once when the recording stopped by itself (size limit, disk error), with the reason. */
  onStopped?(notice: string): void;
}

/** A step's marker, in seconds from the start: what a recording's summary reads back (RecordingSummary). */
type Marker = RecordingSummary['machines'][number]['markers'][number];

/** One terminal's .cast file, written line by line. */
class CastFile {
  private readonly stream: WriteStream;
  private lastAt = 0;

  constructor(file: string, private readonly recording: Recording, onError: (err: Error) => void) {
    this.stream = createWriteStream(file, { flags: 'wx', encoding: 'utf8' });
    this.stream.on('error', onError);
  }

  /** Whether the line fitted under the recording's limit. */
  line(value: unknown): boolean {
    const text = `${JSON.stringify(value)}\n`;
    if (!this.recording.take(Buffer.byteLength(text))) return false;
    this.stream.write(text);
    return true;
  }

  event(at: number, code: 'o' | 'r' | 'm', data: string): boolean {
    this.lastAt = Math.max(this.lastAt, at); // never back in time, whatever the clock does
    return this.line([this.lastAt, code, data]);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.stream.closed || this.stream.destroyed) resolve();
      else this.stream.end(() => resolve());
    });
  }
}

export class Recording {
  readonly startedAt: Date;
  private readonly maxBytes: number;
  private bytes = 0;
  private readonly files = new Map<TerminalSession, { cast: CastFile; untap: () => void }>();
  private readonly closing: Promise<void>[] = [];
  private readonly names = new Set<string>();
  private readonly markers: Marker[] = [];
  private stopListening = () => {};
  private stopped?: string;

  private constructor(private readonly opts: RecordingOptions) {
    this.startedAt = opts.startedAt ?? new Date();
    this.maxBytes = opts.maxBytes ?? RECORDING_MAX_BYTES;
  }

  /** Starts recording every terminal open now, and each one opened until stop(). */
  static async start(terminals: RecordedTerminals, opts: RecordingOptions): Promise<Recording> {
    await mkdir(path.dirname(opts.dir), { recursive: true });
    await mkdir(opts.dir); // fails if it exists: a recording never writes into another's folder
    const r = new Recording(opts);
    r.stopListening = terminals.onOpen((t) => r.join(t));
    for (const t of terminals.list()) r.join(t);
    return r;
  }

  get active(): boolean { return this.stopped === undefined; }
  /** Why it stopped by itself, if it did. */
  get notice(): string | undefined { return this.stopped === 'stopped' ? undefined : this.stopped; }
  get bytesWritten(): number { return this.bytes; }

  /** Marks this moment in every file (and in the files of terminals that join later). */
  mark(label: string): void {
    if (!this.active) return;
    const marker = { at: this.now(), label };
    this.markers.push(marker);
    for (const { cast } of this.files.values()) if (!cast.event(marker.at, 'm', label)) return;
  }

  /** Stops following the terminals and closes the files. Safe to call twice. */
  async stop(): Promise<void> {
    this.halt('stopped');
    await Promise.all(this.closing);
  }

  /** Counts bytes against the limit; past it, the recording stops itself. */
  take(bytes: number): boolean {
    if (!this.active) return false;
    if (this.bytes + bytes > this.maxBytes) {
      this.halt(`the recording stopped at its size limit (${Math.round(this.maxBytes / 1024 / 1024)} MB)`);
      return false;
    }
    this.bytes += bytes;
    return true;
  }

  private join(t: TerminalSession): void {
    if (!this.active || this.files.has(t) || t.exit) return;
    const file = path.join(this.opts.dir, `${this.fileName(t.machine)}.cast`);
    const cast = new CastFile(file, this, (err) => this.halt(`the recording stopped: ${file} could not be written (${err.message})`));
    const header = {
      version: 2, width: t.cols, height: t.rows, timestamp: Math.floor(this.startedAt.getTime() / 1000),
      title: `${this.opts.lab} — ${t.machine}`, env: { TERM: 'xterm-256color', SHELL: '/bin/sh' },
    };
    if (!cast.line(header)) return void cast.close();
    for (const m of this.markers) cast.event(m.at, 'm', m.label);
    const untap = t.tap({
      output: (data) => { cast.event(this.now(), 'o', data.toString('utf8')); },
      resize: (cols, rows) => { cast.event(this.now(), 'r', `${cols}x${rows}`); },
      ended: () => this.leave(t),
    });
    this.files.set(t, { cast, untap });
  }

  private leave(t: TerminalSession): void {
    const f = this.files.get(t);
    if (!f) return;
    this.files.delete(t);
    f.untap();
    this.closing.push(f.cast.close());
  }

  private halt(reason: string): void {
    if (!this.active) return;
    this.stopped = reason;
    this.stopListening();
    for (const t of [...this.files.keys()]) this.leave(t);
    if (reason !== 'stopped') this.opts.onStopped?.(reason);
  }

  /** `box.cast`, then `box-2.cast` for the machine's second terminal (a reset, another shell). */
  private fileName(machine: string): string {
    let name = machine;
    for (let n = 2; this.names.has(name); n++) name = `${machine}-${n}`;
    this.names.add(name);
    return name;
  }

  /** Seconds since the start, to the millisecond (asciicast's clock). */
  private now(): number {
    return Math.max(0, Date.now() - this.startedAt.getTime()) / 1000;
  }
}
