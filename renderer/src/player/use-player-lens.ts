// The lens panel's state in the player: which lens is open (closed when the session stops or
// another starts), reopened at the last one; the highlight a lens set, and the mark it puts on
// the machine's terminal tab.
import { useCallback, useEffect, useRef } from 'react';
import { useKeyedState } from '../app/keyed-state.js';
import type { Highlight, LensName } from '../lens/lenses.js';

interface Args {
  session: string | undefined;
  running: boolean;
  /** What the terminal tabs are drawn from: the tab's mark is put again when they are redrawn. */
  terminals: unknown;
  split: boolean;
}

export function usePlayerLens({ session, running, terminals, split }: Args) {
  // The lenses belong to a running session: a stopped or new one starts with them closed.
  const lensKey = `${session}/${running}`;
  const [lensChoice, setLens] = useKeyedState<LensName | null>(lensKey, null);
  const [highlight, setHighlight] = useKeyedState<Highlight | null>(lensKey, null);
  const lens = running ? lensChoice : null;
  const lastLens = useRef<LensName>('processes');
  const lensButton = useRef<HTMLButtonElement>(null);
  const toggleLens = useCallback(() => setLens((l) => (l ? null : lastLens.current)), [setLens]);
  const closeLens = useCallback(() => {
    setLens(null);
    lensButton.current?.focus();
  }, [setLens]);
  useEffect(() => { if (lens) lastLens.current = lens; }, [lens]);

  // A highlight marks the machine's terminal tab too. The tabs are TerminalPanel's
  // (renderer/src/terminal, kept apart from the player), so the mark is a data attribute that
  // React does not manage there and leaves alone on re-render.
  useEffect(() => {
    const tab = highlight ? document.getElementById(`tab-${highlight.machine}`) : null;
    tab?.setAttribute('data-lens-highlight', '');
    return () => tab?.removeAttribute('data-lens-highlight');
  }, [highlight, terminals, running, split]);

  return { lens, setLens, highlight, setHighlight, lensButton, toggleLens, closeLens };
}
