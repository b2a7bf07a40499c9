// One machine's terminal: xterm.js (create-terminal.ts) attached to the machine's shell, fitted to
// its pane, with search, copy on select, the keys of terminal-keys.ts, a context menu and font
// zoom. Output is acknowledged once xterm has drawn it, so a flood (`yes`) never freezes the page.
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import type { SearchAddon } from '@xterm/addon-search';
import type { TerminalInfo } from '../../../electron/shared/api.js';
import type { LabClient, TerminalLink } from '../api/lab-client.js';
import { useLatest } from '../app/use-latest.js';
import { ContextMenu, type MenuItem } from './ContextMenu.js';
import { createTerminal, type TerminalParts } from './create-terminal.js';
import { withCspSafeStyles } from './csp-safe-styles.js';
import type { Zoom } from './font-size.js';
import { SearchBar } from './SearchBar.js';
import { terminalKeyHandler } from './terminal-keys.js';
import { CONTRAST, DARK } from './terminal-theme.js';

export interface TerminalHandle {
  /** Types text as if the learner did (the Run button). */
  type(text: string): void;
  focus(): void;
}

interface Props {
  client: LabClient;
  info: TerminalInfo;
  fontSize: number;
  contrast: boolean;
  visible: boolean;
  onZoom(zoom: Zoom): void;
  onExit(exit: { code: number | null; reason?: string }): void;
  ref?: Ref<TerminalHandle>;
}

/** A mounted terminal: its xterm parts, and its link to the shell once attached (input typed before waits in `pending`). */
type Live = TerminalParts & { link?: TerminalLink; pending: string[] };

export function TerminalView({ client, info, fontSize, contrast, visible, onZoom, onExit, ref }: Props) {
  const view = useRef<HTMLDivElement>(null);
  const host = useRef<HTMLDivElement>(null);
  const live = useRef<Live>(null);
  const [menu, setMenu] = useState<{ x: number; y: number; items: MenuItem[] } | null>(null);
  const [search, setSearch] = useState<SearchAddon | null>(null);
  const callbacks = useLatest({ onZoom, onExit });
  // Read once, at mount: later changes are applied by the effect below, to the same terminal.
  const initial = useLatest({ fontSize, contrast });

  useImperativeHandle(ref, () => ({
    type: (text) => {
      const l = live.current;
      if (!l) return;
      if (l.link) l.link.input(text);
      else l.pending.push(text);
    },
    focus: () => live.current?.term.focus(),
  }), []);

  useEffect(() => {
    const el = host.current!;
    // The renderer is an attribute the tests read, set by the terminal's setup rather than React.
    const parts = createTerminal(el, { ...initial.current, client, onRenderer: (r) => view.current?.setAttribute('data-renderer', r) });
    const { term, fit } = parts;
    const l: Live = { ...parts, pending: [] };
    live.current = l;
    let disposed = false;

    const copySelection = () => {
      const text = term.getSelection();
      if (text) navigator.clipboard?.writeText(text).catch(() => {});
    };
    term.onSelectionChange(copySelection);
    term.attachCustomKeyEventHandler(terminalKeyHandler({
      copy: copySelection,
      find: () => setSearch(parts.search),
      zoom: (z) => callbacks.current.onZoom(z),
    }));
    term.onData((data) => l.link?.input(data));
    term.onResize(({ cols, rows }) => l.link?.resize(cols, rows));

    client.attach(info.id, {
      data: (bytes, done) => term.write(bytes, done),
      exit: (code, reason) => {
        term.write(`\r\n\x1b[2m[${reason ?? (code === null ? 'terminal ended' : `exited with code ${code}`)}]\x1b[0m\r\n`);
        callbacks.current.onExit({ code, ...(reason !== undefined ? { reason } : {}) });
      },
      reset: () => term.reset(),
    }).then((link) => {
      if (disposed) {
        void link.detach();
        return;
      }
      l.link = link;
      link.resize(term.cols, term.rows);
      for (const text of l.pending.splice(0)) link.input(text);
    }, (err: Error) => {
      term.write(`\r\n\x1b[31mCould not attach this terminal: ${err.message}\x1b[0m\r\n`);
    });

    const refit = () => {
      if (el.offsetWidth > 0 && el.offsetHeight > 0) fit.fit();
    };
    const observer = new ResizeObserver(refit);
    observer.observe(el);
    refit();

    return () => {
      disposed = true;
      observer.disconnect();
      void l.link?.detach();
      live.current = null;
      withCspSafeStyles(document, () => term.dispose());
    };
    // One xterm per terminal id; font and theme changes are applied below without a new one.
  }, [client, info.id, initial, callbacks]);

  // Font and theme changes reuse the terminal. A hidden pane cannot measure its font (it has no
  // size), so the font is applied, and the terminal fitted, once the pane is shown; then the
  // latest output is what the learner sees.
  useEffect(() => {
    const l = live.current;
    if (!l) return;
    l.term.options.theme = contrast ? CONTRAST : DARK;
    if (!visible || !host.current || host.current.offsetWidth === 0) return;
    if (l.term.options.fontSize !== fontSize) l.term.options.fontSize = fontSize;
    l.fit.fit();
    l.term.scrollToBottom();
  }, [visible, fontSize, contrast]);

  const focusTerminal = () => live.current?.term.focus();
  const openMenu = (x: number, y: number) => {
    const l = live.current;
    if (!l) return;
    setMenu({ x, y, items: [
      { label: 'Copy', shortcut: 'Ctrl+Shift+C', disabled: !l.term.hasSelection(), run: () => {
        const text = l.term.getSelection();
        if (text) void navigator.clipboard?.writeText(text).catch(() => {});
      } },
      { label: 'Paste', shortcut: 'Ctrl+Shift+V', run: () => {
        navigator.clipboard?.readText().then((text) => l.term.paste(text)).catch(() => {});
      } },
      { label: 'Clear', run: () => l.term.clear() },
      { label: 'Search…', shortcut: 'Ctrl+Shift+F', run: () => setSearch(l.search) },
    ] });
  };

  return (
    <div className="terminal-view" ref={view} data-machine={info.machine}
      onContextMenu={(e) => {
        e.preventDefault();
        openMenu(e.clientX, e.clientY);
      }}>
      {search && <SearchBar search={search} onClose={() => { setSearch(null); focusTerminal(); }} />}
      <div className="terminal-host" ref={host} />
      {menu && <ContextMenu x={menu.x} y={menu.y} items={menu.items} label={`Terminal ${info.machine}`}
        onClose={() => { setMenu(null); focusTerminal(); }} />}
    </div>
  );
}
