// Polls an API call while a lens is shown: at once, then every `everyMs` counted from the start
// of the previous call (a slow answer is not followed by a burst). The last good data stays on
// screen while the next call runs or fails, so the view never blanks or jumps.
import { useEffect, useState } from 'react';
import { errorText } from '../app/client-context.js';

export interface Polled<T> {
  data: T | undefined;
  error: string | undefined;
  /** When `data` was read. */
  at: number | undefined;
  /** Fetch now (after an action, or when paused). */
  refresh(): void;
}

export function usePolled<T>(fetch: (() => Promise<T>) | undefined, everyMs: number, paused = false): Polled<T> {
  const [state, setState] = useState<{ data?: T; error?: string; at?: number }>({});
  const [tick, setTick] = useState(0);

  useEffect(() => {
    if (!fetch) return;
    let live = true;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const once = async () => {
      const started = Date.now();
      try {
        const data = await fetch();
        if (live) setState({ data, at: Date.now() });
      } catch (err) {
        if (live) setState((s) => ({ ...s, error: errorText(err) }));
      }
      if (live && !paused) timer = setTimeout(() => void once(), Math.max(0, everyMs - (Date.now() - started)));
    };
    void once();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [fetch, everyMs, paused, tick]);

  return { data: state.data, error: state.error, at: state.at, refresh: () => setTick((t) => t + 1) };
}
