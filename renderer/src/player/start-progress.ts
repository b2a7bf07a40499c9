// The `progress` events of a starting (or resetting) session, folded into one row per task
// ("base image", "image app", "machine vm" …) for the progress view. Pure.
import type { ProgressEvent } from '../../../electron/shared/api.js';

export interface TaskRow {
  task: string;
  phase: string;
  /** 0–1 when the task reports a count; undefined shows an indeterminate bar. */
  fraction?: number;
  state: 'running' | 'done' | 'failed';
  elapsedMs: number;
  /** Date.now() when the last event arrived, so the view can keep the clock running. */
  at: number;
}

export type StartProgress = TaskRow[];

export function addProgress(rows: StartProgress, event: ProgressEvent, now: number): StartProgress {
  const fraction = event.current !== undefined && event.total ? Math.max(0, Math.min(1, event.current / event.total)) : undefined;
  const row: TaskRow = {
    task: event.task, phase: event.phase, state: event.state === undefined ? 'running' : event.state,
    elapsedMs: event.elapsedMs ?? 0, at: now, ...(fraction !== undefined ? { fraction } : {}),
  };
  const i = rows.findIndex((r) => r.task === event.task);
  if (i < 0) return [...rows, row];
  return rows.map((r, j) => (j === i ? row : r));
}

/** The time to show: a running task's clock keeps going between events. */
export function shownElapsed(row: TaskRow, now: number): number {
  return row.state === 'running' ? row.elapsedMs + Math.max(0, now - row.at) : row.elapsedMs;
}

/** "machine app" → "app": the machine a task is about, if any. */
export function taskMachine(task: string): string | undefined {
  return /^machine (\S+)$/.exec(task)?.[1];
}

export function formatElapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s`;
}
