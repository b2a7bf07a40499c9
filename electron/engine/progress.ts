// Progress of long work (image builds, machine starts), reported to whoever shows it: the
// CLI draws a bar or prints lines, the UI draws per-machine progress. The event's shape is the
// API's (shared/api-types.ts), which UIs receive as is.
import type { ProgressEvent } from '../shared/api.js';

export type { ProgressEvent };

export type ProgressSink = (event: ProgressEvent) => void;

export const noProgress: ProgressSink = () => {};

/** Tracks one task's elapsed time so its events carry it. */
export function progressTask(sink: ProgressSink, task: string) {
  const began = Date.now();
  const emit = (phase: string, extra: Partial<ProgressEvent> = {}) =>
    sink({ task, phase, elapsedMs: Date.now() - began, ...extra });
  return {
    update: emit,
    done: (phase = 'ready') => emit(phase, { state: 'done' }),
    failed: (phase: string) => emit(phase, { state: 'failed' }),
  };
}
