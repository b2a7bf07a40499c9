// Where the player moves the keyboard focus after an action (the element a learner works in
// next), and the hook that moves it there once it is on the page: one pending move at a time.
import { useCallback, useEffect, useRef } from 'react';
import { focusSoon } from '../app/focus-soon.js';

/** Where the focus goes after an action: the element a learner works in next. */
export const FOCUS = {
  step: '.step-content',
  start: '.start-panel [data-start]:not(:disabled)',
  finished: '[data-finished-action]',
  anyTerminal: '.terminal-pane.active .xterm-helper-textarea',
  // A reopened terminal's new xterm replaces the ended one, whose banner goes with it.
  terminal: (machine: string) => `#pane-${CSS.escape(machine)}:not(:has(.pane-banner)) .xterm-helper-textarea`,
};
/** A start or reset can build images and boot VMs: the focus waits that long for the terminal. */
export const START_FOCUS_MS = 10 * 60_000;

/** Moves the focus to `selector` once it is there (focus-soon.ts), in place of the move pending before. */
export function useFocusLater(): (selector: string, timeoutMs?: number) => void {
  const cancelFocus = useRef<() => void>(() => {});
  const focusLater = useCallback((selector: string, timeoutMs?: number) => {
    cancelFocus.current();
    cancelFocus.current = focusSoon(selector, timeoutMs);
  }, []);
  useEffect(() => () => cancelFocus.current(), []);
  return focusLater;
}
