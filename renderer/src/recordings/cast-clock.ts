// Plays a cast's events into a screen at 1×, 2× or 4×: play, pause, seek. A seek draws the
// screen anew from the start up to that moment at once (a terminal cannot be rewound). Pure but
// for the timer it is given, so tests drive it by hand.
import type { Cast } from './cast.js';
import { parseSize } from './cast.js';

export interface Screen {
  /** A clean screen of the recording's first size. */
  reset(cols: number, rows: number): void;
  write(data: string): void;
  resize(cols: number, rows: number): void;
}

export interface ClockState { playing: boolean; position: number; speed: number; ended: boolean }

export interface Timer { now(): number; every(ms: number, tick: () => void): () => void }

export const browserTimer: Timer = {
  now: () => performance.now(),
  every: (ms, tick) => {
    const id = setInterval(tick, ms);
    return () => clearInterval(id);
  },
};

export class CastClock {
  private next = 0; // the index of the first event not drawn yet
  private position = 0;
  private speed = 1;
  private playingSince?: { wall: number; position: number };
  private stopTicking = () => {};

  constructor(private readonly cast: Cast, private readonly screen: Screen, private readonly onState: (s: ClockState) => void, private readonly timer: Timer = browserTimer) {
    screen.reset(cast.width, cast.height);
    this.report();
  }

  get state(): ClockState {
    return { playing: this.playingSince !== undefined, position: this.position, speed: this.speed, ended: this.next >= this.cast.events.length && this.position >= this.cast.duration };
  }

  play(): void {
    if (this.playingSince) return;
    if (this.state.ended) this.seek(0);
    this.playingSince = { wall: this.timer.now(), position: this.position };
    this.stopTicking = this.timer.every(30, () => this.tick());
    this.report();
  }

  pause(): void {
    if (!this.playingSince) return;
    this.tick();
    this.halt();
    this.report();
  }

  toggle(): void {
    if (this.playingSince) this.pause();
    else this.play();
  }

  setSpeed(speed: number): void {
    if (this.playingSince) this.playingSince = { wall: this.timer.now(), position: this.position };
    this.speed = speed;
    this.report();
  }

  /** Jumps to `seconds` (a marker's time): the screen as it was then. */
  seek(seconds: number): void {
    const to = Math.min(Math.max(0, seconds), this.cast.duration);
    if (to < this.position || to === 0) {
      this.screen.reset(this.cast.width, this.cast.height);
      this.next = 0;
    }
    this.drawUntil(to);
    this.position = to;
    if (this.playingSince) this.playingSince = { wall: this.timer.now(), position: to };
    this.report();
  }

  dispose(): void {
    this.halt();
  }

  private tick(): void {
    if (!this.playingSince) return;
    const at = this.playingSince.position + ((this.timer.now() - this.playingSince.wall) / 1000) * this.speed;
    this.position = Math.min(at, this.cast.duration);
    this.drawUntil(this.position);
    if (this.position >= this.cast.duration) this.halt();
    this.report();
  }

  private drawUntil(seconds: number): void {
    const { events } = this.cast;
    let text = '';
    const flush = () => { if (text) this.screen.write(text); text = ''; };
    while (this.next < events.length && events[this.next]!.at <= seconds) {
      const e = events[this.next++]!;
      if (e.code === 'o') text += e.data;
      else if (e.code === 'r') {
        const size = parseSize(e.data);
        if (size) { flush(); this.screen.resize(size.cols, size.rows); }
      }
    }
    flush();
  }

  private halt(): void {
    this.stopTicking();
    this.stopTicking = () => {};
    this.playingSince = undefined;
  }

  private report(): void {
    this.onState(this.state);
  }
}
