// A modal <dialog> for the catalog's questions: shown while mounted (the page inert, focus kept
// inside, Escape cancels), focus on the element the dialog chooses (the safe answer), and back
// where it was once it closes — React removes the element, so the browser cannot restore it.
import { useEffect, useRef } from 'react';

export function useDialog<T extends HTMLElement>() {
  const dialog = useRef<HTMLDialogElement>(null);
  const initial = useRef<T>(null);
  useEffect(() => {
    const before = document.activeElement;
    const d = dialog.current!;
    d.showModal();
    initial.current?.focus();
    return () => {
      d.close();
      if (before instanceof HTMLElement && before.isConnected) before.focus();
    };
  }, []);
  return { dialog, initial };
}
