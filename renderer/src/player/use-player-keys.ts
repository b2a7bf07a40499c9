// The player's keyboard: single-key shortcuts (app/shortcuts.ts lists them for the help) when the
// learner is not typing, and the keys that work everywhere, in a terminal too: F6/Shift+F6 to
// move between the player's parts, and Esc to close the lenses.
import { useEffect } from 'react';
import { focusNextPart } from '../app/focus-parts.js';
import { typingInto } from '../app/shortcuts.js';
import { useLatest } from '../app/use-latest.js';

export interface PlayerKeys {
  runNext(): void;
  nextStep(): void;
  previousStep(): void;
  /** Undefined when this step has no check, or the lab is not running. */
  check?: () => void;
  hint?: () => void;
  toggleSplit(): void;
  /** Undefined when no lens can open (the lab is not running). */
  toggleLens?: () => void;
  lensOpen: boolean;
  closeLens(): void;
  machines: string[];
  showMachine(machine: string): void;
}

export function usePlayerKeys(keys: PlayerKeys): void {
  const latest = useLatest(keys);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const k = latest.current;
      if (e.defaultPrevented || document.querySelector('dialog[open]')) return;
      const act = (f: () => void) => { e.preventDefault(); f(); };
      if (e.key === 'F6' && !e.ctrlKey && !e.metaKey && !e.altKey) {
        if (focusNextPart(e.shiftKey)) e.preventDefault();
        return;
      }
      // Esc in a terminal belongs to the program there (vi, less); elsewhere it closes the lenses.
      if (e.key === 'Escape' && k.lensOpen && !typingInto(e.target)) return act(k.closeLens);
      if (e.ctrlKey || e.metaKey || e.altKey || typingInto(e.target)) return;
      const key = e.key.length === 1 ? e.key.toLowerCase() : e.key;
      const machine = /^[1-9]$/.test(key) ? k.machines[Number(key) - 1] : undefined;
      if (key === 'n') act(k.runNext);
      else if (key === 'j' || key === 'ArrowRight') act(k.nextStep);
      else if (key === 'k' || key === 'ArrowLeft') act(k.previousStep);
      else if (key === 'c' && k.check) act(k.check);
      else if (key === 'h' && k.hint) act(k.hint);
      else if (key === 's') act(k.toggleSplit);
      else if (key === 'l' && k.toggleLens) act(k.toggleLens);
      else if (machine) act(() => k.showMachine(machine));
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [latest]);
}
