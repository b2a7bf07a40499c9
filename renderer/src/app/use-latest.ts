// The latest value of something, for callbacks that live longer than one render (a runner the
// markdown keeps, listeners on window). It is updated after each render, before any event runs.
import { useLayoutEffect, useRef, type RefObject } from 'react';

export function useLatest<T>(value: T): RefObject<T> {
  const ref = useRef(value);
  useLayoutEffect(() => { ref.current = value; });
  return ref;
}
