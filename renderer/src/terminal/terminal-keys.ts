// The keys a terminal keeps from the shell: copy and paste with Shift (Ctrl+C stays the shell's
// interrupt), find, font zoom, and F6, which leaves the terminal (the player moves the focus).
import type { Terminal } from '@xterm/xterm';
import type { Zoom } from './font-size.js';

export interface TerminalKeyActions {
  copy(): void;
  find(): void;
  zoom(zoom: Zoom): void;
}

/** For xterm's attachCustomKeyEventHandler: false keeps a key from the shell. */
export function terminalKeyHandler(actions: TerminalKeyActions): Parameters<Terminal['attachCustomKeyEventHandler']>[0] {
  return (e) => {
    if (e.type !== 'keydown') return true;
    // Not sent to the shell; the event goes on to the page, whose handler moves the focus.
    if (e.key === 'F6') return false;
    const ctrl = e.ctrlKey || e.metaKey;
    const handled = (run: () => void) => {
      e.preventDefault();
      run();
      return false;
    };
    if (ctrl && e.shiftKey && e.code === 'KeyC') return handled(actions.copy);
    // Let the browser paste: xterm reads the paste event (no clipboard permission needed).
    if (ctrl && e.shiftKey && e.code === 'KeyV') return false;
    if (ctrl && e.shiftKey && e.code === 'KeyF') return handled(actions.find);
    if (ctrl && !e.shiftKey && (e.key === '=' || e.key === '+')) return handled(() => actions.zoom('in'));
    if (ctrl && !e.shiftKey && e.key === '-') return handled(() => actions.zoom('out'));
    if (ctrl && !e.shiftKey && e.key === '0') return handled(() => actions.zoom('reset'));
    return true;
  };
}
