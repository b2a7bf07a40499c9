// State that belongs to a key (the step shown, the machines of one start): it begins again from
// `initial` when the key changes, in the same render — no effect that resets it after a render
// has already shown the stale value. `initial` must not change between renders (a constant).
import { useCallback, useState } from 'react';
import { useLatest } from './use-latest.js';

export type Update<T> = T | ((old: T) => T);

export function useKeyedState<T>(key: string, initial: T): [T, (update: Update<T>) => void] {
  const [held, setHeld] = useState<{ key: string; value: T }>({ key, value: initial });
  const latestKey = useLatest(key);
  const set = useCallback((update: Update<T>) => setHeld((h) => {
    const k = latestKey.current;
    const old = h.key === k ? h.value : initial;
    return { key: k, value: typeof update === 'function' ? (update as (old: T) => T)(old) : update };
  }), [latestKey, initial]);
  return [held.key === key ? held.value : initial, set];
}
