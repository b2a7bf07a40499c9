// One machine's terminal: xterm.js with fit, WebGL (DOM renderer when WebGL is unavailable, as in
// headless Chromium), search, web links, copy on select, Ctrl+Shift+C/V, a context menu and font
// zoom. Output is acknowledged once xterm has drawn it, so a flood (`yes`) never freezes the page.
import { useEffect, useImperativeHandle, useRef, useState, type Ref } from 'react';
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import type { TerminalInfo } from '../../../electron/shared/api.js';
import type { LabClient, TerminalLink } from '../api/lab-client.js';
import { isWebUrl } from '../api/lab-client.js';
import { withCspSafeStyles } from './csp-safe-styles.js';
import type { Zoom } from './font-size.js';
import { ContextMenu, type MenuItem } from './ContextMenu.js';
import { SearchBar } from './SearchBar.js';
import { CONTRAST, DARK, FONT_FAMILY } from './terminal-theme.js';

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

export function TerminalView({ client, info, fontSize, contrast, visible, onZoom, onExit, ref }: Props) {
  const host = useRef<HTMLDivElement>(null);
  const parts = useRef<{ term: Terminal; fit: FitAddon; search: SearchAddon; link?: TerminalLink; pending: string[] }>(null);
  const [renderer, setRenderer] = useState<'webgl' | 'dom'>('dom');
  const [menu, setMenu] = useState<{ x: number; y: number } | null>(null);
  const [searching, setSearching] = useState(false);
  const callbacks = useRef({ onZoom, onExit });
  callbacks.current = { onZoom, onExit };

  useImperativeHandle(ref, () => ({
    type: (text) => {
      const p = parts.current;
      if (!p) return;
      if (p.link) p.link.input(text);
      else p.pending.push(text);
    },
    focus: () => parts.current?.term.focus(),
  }), []);

  useEffect(() => {
    const el = host.current!;
    const term = new Terminal({
      fontSize, fontFamily: FONT_FAMILY, theme: contrast ? CONTRAST : DARK,
      // No blinking (VS Code's default too): the DOM renderer blinks with a CSS animation that
      // makes the page draw every frame, and every echo then waits a frame longer.
      cursorBlink: false,
      // At line height 1 the DOM renderer clips underscores below the cell ($LAB_VOLUME_RECORDS lost its _).
      lineHeight: 1.2,
      scrollback: 5000, allowProposedApi: true, rightClickSelectsWord: false, drawBoldTextInBrightColors: true,
    });
    const fit = new FitAddon();
    const search = new SearchAddon();
    term.loadAddon(fit);
    term.loadAddon(search);
    term.loadAddon(new WebLinksAddon((event, uri) => {
      event.preventDefault();
      if (isWebUrl(uri)) client.openExternal(uri);
    }));
    withCspSafeStyles(document, () => term.open(el));
    try {
      const webgl = new WebglAddon();
      webgl.onContextLoss(() => {
        withCspSafeStyles(document, () => webgl.dispose());
        setRenderer('dom');
      });
      withCspSafeStyles(document, () => term.loadAddon(webgl));
      setRenderer('webgl');
    } catch {
      // No WebGL (no GPU, or blocked): xterm keeps its DOM renderer.
      setRenderer('dom');
    }
    const p: { term: Terminal; fit: FitAddon; search: SearchAddon; link?: TerminalLink; pending: string[] } = { term, fit, search, pending: [] };
    parts.current = p;
    let disposed = false;

    const copySelection = () => {
      const text = term.getSelection();
      if (text) navigator.clipboard?.writeText(text).catch(() => {});
    };
    term.onSelectionChange(copySelection);
    term.attachCustomKeyEventHandler((e) => {
      if (e.type !== 'keydown') return true;
      const ctrl = e.ctrlKey || e.metaKey;
      if (ctrl && e.shiftKey && e.code === 'KeyC') {
        e.preventDefault();
        copySelection();
        return false;
      }
      // Let the browser paste: xterm reads the paste event (no clipboard permission needed).
      if (ctrl && e.shiftKey && e.code === 'KeyV') return false;
      if (ctrl && e.shiftKey && e.code === 'KeyF') {
        e.preventDefault();
        setSearching(true);
        return false;
      }
      if (ctrl && !e.shiftKey && (e.key === '=' || e.key === '+')) { e.preventDefault(); callbacks.current.onZoom('in'); return false; }
      if (ctrl && !e.shiftKey && e.key === '-') { e.preventDefault(); callbacks.current.onZoom('out'); return false; }
      if (ctrl && !e.shiftKey && e.key === '0') { e.preventDefault(); callbacks.current.onZoom('reset'); return false; }
      return true;
    });

    term.onData((data) => p.link?.input(data));
    term.onResize(({ cols, rows }) => p.link?.resize(cols, rows));

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
      p.link = link;
      link.resize(term.cols, term.rows);
      for (const text of p.pending.splice(0)) link.input(text);
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
      void p.link?.detach();
      parts.current = null;
      withCspSafeStyles(document, () => term.dispose());
    };
    // One xterm per terminal id; font and theme changes are applied below without a new one.
  }, [client, info.id]);

  // Font and theme changes reuse the terminal. A hidden pane cannot measure its font (it has no
  // size), so the font is applied, and the terminal fitted, once the pane is shown; then the
  // latest output is what the learner sees.
  useEffect(() => {
    const p = parts.current;
    if (!p) return;
    p.term.options.theme = contrast ? CONTRAST : DARK;
    if (!visible || !host.current || host.current.offsetWidth === 0) return;
    if (p.term.options.fontSize !== fontSize) p.term.options.fontSize = fontSize;
    p.fit.fit();
    p.term.scrollToBottom();
  }, [visible, fontSize, contrast]);

  const items: MenuItem[] = [
    { label: 'Copy', shortcut: 'Ctrl+Shift+C', disabled: !parts.current?.term.hasSelection(), run: () => {
      const text = parts.current?.term.getSelection();
      if (text) void navigator.clipboard?.writeText(text).catch(() => {});
    } },
    { label: 'Paste', shortcut: 'Ctrl+Shift+V', run: () => {
      navigator.clipboard?.readText().then((text) => parts.current?.term.paste(text)).catch(() => {});
    } },
    { label: 'Clear', run: () => parts.current?.term.clear() },
    { label: 'Search…', shortcut: 'Ctrl+Shift+F', run: () => setSearching(true) },
  ];

  return (
    <div className="terminal-view" data-renderer={renderer} data-machine={info.machine}
      onContextMenu={(e) => { e.preventDefault(); setMenu({ x: e.clientX, y: e.clientY }); }}>
      {searching && parts.current && (
        <SearchBar search={parts.current.search} onClose={() => { setSearching(false); parts.current?.term.focus(); }} />
      )}
      <div className="terminal-host" ref={host} />
      {menu && <ContextMenu x={menu.x} y={menu.y} items={items} label={`Terminal ${info.machine}`}
        onClose={() => { setMenu(null); parts.current?.term.focus(); }} />}
    </div>
  );
}
