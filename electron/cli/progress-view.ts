// Shows engine progress on stderr: on a terminal, one live line per task with a bar and the
// elapsed time, redrawn on a timer so that a silent phase (a VM booting under TCG) still counts
// up; otherwise (a pipe, CI logs, TERM=dumb) a plain line whenever a task's phase changes, with
// no cursor movement. Colour only on a live terminal, and never with NO_COLOR (no-color.org).
import type { ProgressEvent, ProgressSink } from '../engine/progress.js';

const BAR = 20;
const TICK_MS = 500;

/** The sink, and `stop()` to end the redraws once the work is over (before anything else is printed). */
export interface ProgressView extends ProgressSink { stop(): void }

interface Options { env?: NodeJS.ProcessEnv; tickMs?: number }

function bar(e: ProgressEvent): string {
  if (e.state === 'done') return `[${'#'.repeat(BAR)}]`;
  if (e.total === undefined || e.current === undefined) return '[' + ' '.repeat(BAR) + ']';
  const filled = Math.min(BAR, Math.round((e.current / Math.max(e.total, 1)) * BAR));
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}]`;
}

const seconds = (ms = 0) => `${(ms / 1000).toFixed(1)}s`.padStart(6);

export const isLiveTerminal = (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean => !!stream.isTTY && env.TERM !== 'dumb';
export const colourAllowed = (stream: NodeJS.WriteStream, env: NodeJS.ProcessEnv): boolean => isLiveTerminal(stream, env) && !env.NO_COLOR;

export function progressView(stream: NodeJS.WriteStream = process.stderr, { env = process.env, tickMs = TICK_MS }: Options = {}): ProgressView {
  if (!isLiveTerminal(stream, env)) {
    const last = new Map<string, string>();
    const sink = (e: ProgressEvent) => {
      const line = `${e.task}: ${e.phase}${e.state === 'failed' ? ' (failed)' : ''}`;
      if (last.get(e.task) === line) return;
      last.set(e.task, line);
      stream.write(`[${seconds(e.elapsedMs)}] ${line}\n`);
    };
    return Object.assign(sink, { stop: () => {} });
  }
  const paint = colourAllowed(stream, env) ? (code: number, text: string) => `\x1b[${code}m${text}\x1b[0m` : (_: number, text: string) => text;
  /** Each task's last event and when it came: a running task's time counts on from there. */
  const tasks = new Map<string, { e: ProgressEvent; at: number }>();
  let drawn = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    const width = Math.max(40, (stream.columns || 80) - 1);
    const now = Date.now();
    let text = drawn ? `\x1b[${drawn}A` : '';
    for (const { e, at } of tasks.values()) {
      const mark = e.state === 'failed' ? paint(31, 'x') : e.state === 'done' ? paint(32, '✓') : '…';
      const elapsed = (e.elapsedMs ?? 0) + (e.state ? 0 : now - at);
      const line = `${e.task.padEnd(18)} ${bar(e)} ${seconds(elapsed)}  ${e.phase}`;
      text += `\x1b[2K${mark} ${line.slice(0, width - 2)}\n`;
    }
    stream.write(text);
    drawn = tasks.size;
  };
  const stopTimer = () => {
    if (timer) clearInterval(timer);
    timer = undefined;
  };
  const sink = (e: ProgressEvent) => {
    tasks.set(e.task, { e, at: Date.now() });
    draw();
    const running = [...tasks.values()].some((t) => !t.e.state);
    if (running && !timer) timer = setInterval(draw, tickMs).unref();
    if (!running) stopTimer();
  };
  return Object.assign(sink, { stop: stopTimer });
}
