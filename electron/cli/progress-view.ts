// Shows engine progress on stderr: on a terminal, one live line per task with a bar and the
// elapsed time; otherwise a plain line whenever a task's phase changes (CI logs, pipes).
import type { ProgressEvent, ProgressSink } from '../engine/progress.js';

const BAR = 20;

function bar(e: ProgressEvent): string {
  if (e.state === 'done') return `[${'#'.repeat(BAR)}]`;
  if (e.total === undefined || e.current === undefined) return '[' + ' '.repeat(BAR) + ']';
  const filled = Math.round((e.current / Math.max(e.total, 1)) * BAR);
  return `[${'#'.repeat(filled)}${'.'.repeat(BAR - filled)}]`;
}

const seconds = (ms = 0) => `${(ms / 1000).toFixed(1)}s`.padStart(6);

export function progressView(stream: NodeJS.WriteStream = process.stderr): ProgressSink {
  if (!stream.isTTY) {
    const last = new Map<string, string>();
    return (e) => {
      const line = `${e.task}: ${e.phase}${e.state === 'failed' ? ' (failed)' : ''}`;
      if (last.get(e.task) === line) return;
      last.set(e.task, line);
      stream.write(`[${seconds(e.elapsedMs)}] ${line}\n`);
    };
  }
  const tasks = new Map<string, ProgressEvent>();
  let drawn = 0;
  return (e) => {
    tasks.set(e.task, e);
    const width = Math.max(40, (stream.columns || 80) - 1);
    if (drawn) stream.write(`\x1b[${drawn}A`);
    for (const t of tasks.values()) {
      const mark = t.state === 'failed' ? 'x' : t.state === 'done' ? '✓' : '…';
      const line = `${mark} ${t.task.padEnd(18)} ${bar(t)} ${seconds(t.elapsedMs)}  ${t.phase}`;
      stream.write(`\x1b[2K${line.slice(0, width)}\n`);
    }
    drawn = tasks.size;
  };
}
