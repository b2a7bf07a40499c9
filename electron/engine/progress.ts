// Progress of long work (image builds, machine starts), reported to whoever shows it: the
// CLI draws a bar or prints lines, the UI draws per-machine progress.

export interface ProgressEvent {
  /** What is being worked on, stable across its events: "base", "image app", "machine app". */
  task: string;
  /** The current phase in words: "building", "step 2/5: RUN …", "starting". */
  phase: string;
  current?: number;
  total?: number;
  /** Set on the last event of a task. */
  state?: 'done' | 'failed';
  /** Milliseconds since the task began. */
  elapsedMs?: number;
}

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
