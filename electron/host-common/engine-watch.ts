// Watches the Docker engine while lab sessions run, for the host (lab-sessions.ts) and `labvisor run`:
// a daemon that restarts (Docker Desktop updating itself, a laptop waking up) takes every
// container with it, and nobody else would say so. The engine's event stream ends the moment the
// daemon stops, so that wakes the watch at once; a ping every few seconds catches what the stream
// does not (a daemon that hangs). Once down, it pings with backoff until the engine answers again.
import type { Readable } from 'node:stream';

export type EngineState = 'up' | 'down';

/** What the watch asks of the engine (dockerode's `ping` and `getEvents`; fakes in unit tests). */
export interface EngineProbe {
  ping(): Promise<unknown>;
  /** A stream of the engine's events: its end means the engine went away. */
  events?(): Promise<Readable | NodeJS.ReadableStream>;
}

export interface EngineWatchOptions {
  /** Between pings while the engine answers. */
  intervalMs?: number;
  /** A ping that takes longer is a failed one (a daemon shutting down may accept and never answer). */
  pingTimeoutMs?: number;
  /** The backoff while the engine is down: first wait, doubling up to the last. */
  retryMs?: [first: number, max: number];
  /** Watch on while this is true (sessions exist); a down engine is watched until it is back regardless. */
  active(): boolean;
  onDown(why: string): void;
  /** The engine answers again, after `downMs` (from the moment the watch noticed). */
  onUp(downMs: number): void | Promise<void>;
}

export const ENGINE_DOWN_MESSAGE = 'The Docker engine stopped — waiting for it…';

export class EngineWatch {
  state: EngineState = 'up';
  private running = false;
  private closed = false;
  private stream?: Readable | NodeJS.ReadableStream;
  private wake?: () => void;
  private readonly intervalMs: number;
  private readonly pingTimeoutMs: number;
  private readonly retryMs: [number, number];

  constructor(private readonly probe: EngineProbe, private readonly opts: EngineWatchOptions) {
    this.intervalMs = opts.intervalMs ?? 2000;
    this.pingTimeoutMs = opts.pingTimeoutMs ?? 3000;
    this.retryMs = opts.retryMs ?? [500, 5000];
  }

  /** Starts watching unless it watches already; the loop ends by itself once `active()` is false and the engine is up. */
  watch(): void {
    if (this.running) return;
    this.running = true;
    void this.loop().finally(() => { this.running = false; });
  }

  /** Ends the loop at its next wait (the host stops). */
  close(): void {
    this.closed = true;
    this.wake?.();
  }

  private async loop(): Promise<void> {
    let attempt = 0;
    let downSince = 0;
    while (!this.closed && (this.state === 'down' || this.opts.active())) {
      if (this.state === 'up') {
        if (!this.stream) await this.subscribe();
        await this.sleep(this.intervalMs);
        if (this.closed) break;
        const failed = await this.ping();
        if (failed === undefined) continue;
        this.state = 'down';
        downSince = Date.now();
        attempt = 0;
        this.unsubscribe();
        this.opts.onDown(failed);
      } else {
        await this.sleep(Math.min(this.retryMs[0] * 2 ** attempt++, this.retryMs[1]));
        if (this.closed) break;
        if (await this.ping() !== undefined) continue;
        this.state = 'up';
        await this.opts.onUp(Date.now() - downSince);
      }
    }
    this.unsubscribe();
  }

  /** Undefined when the engine answered in time, else why not. */
  private async ping(): Promise<string | undefined> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<string>((resolve) => { timer = setTimeout(() => resolve(`no answer to a ping in ${this.pingTimeoutMs} ms`), this.pingTimeoutMs); });
    try {
      return await Promise.race([this.probe.ping().then(() => undefined, (err: Error) => err.message || String(err)), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The engine's event stream, whose end wakes the loop to ping now; none when the engine refuses it. */
  private async subscribe(): Promise<void> {
    const stream = await this.probe.events?.().catch(() => undefined);
    if (!stream) return;
    const ended = () => {
      if (this.stream !== stream) return;
      this.unsubscribe();
      this.wake?.();
    };
    stream.on('end', ended);
    stream.on('close', ended);
    stream.on('error', ended);
    stream.resume(); // read and drop: only its end matters
    this.stream = stream;
  }

  private unsubscribe(): void {
    const stream = this.stream;
    this.stream = undefined;
    if (stream && 'destroy' in stream && typeof stream.destroy === 'function') stream.destroy();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() { clearTimeout(timer); resolve(); }
      this.wake = () => { this.wake = undefined; done(); };
    });
  }
}
