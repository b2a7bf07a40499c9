// A new xterm.js terminal in `el`, with its addons: fit, search, web links (opened outside the
// app, http(s) only) and WebGL, which falls back to xterm's DOM renderer when there is no WebGL (no
// GPU, headless Chromium) or its context is lost. xterm writes style elements, which the page's
// CSP allows only through withCspSafeStyles.
import { Terminal } from '@xterm/xterm';
import { FitAddon } from '@xterm/addon-fit';
import { SearchAddon } from '@xterm/addon-search';
import { WebLinksAddon } from '@xterm/addon-web-links';
import { WebglAddon } from '@xterm/addon-webgl';
import type { LabClient } from '../api/lab-client.js';
import { isWebUrl } from '../api/lab-client.js';
import { withCspSafeStyles } from './csp-safe-styles.js';
import { CONTRAST, DARK, FONT_FAMILY } from './terminal-theme.js';

export type TerminalRenderer = 'webgl' | 'dom';

export interface TerminalParts { term: Terminal; fit: FitAddon; search: SearchAddon }

interface Options {
  fontSize: number;
  contrast: boolean;
  client: LabClient;
  /** Which renderer draws the terminal, now and after a WebGL context loss. */
  onRenderer(renderer: TerminalRenderer): void;
}

export function createTerminal(el: HTMLElement, { fontSize, contrast, client, onRenderer }: Options): TerminalParts {
  const term = new Terminal({
    fontSize, fontFamily: FONT_FAMILY, theme: contrast ? CONTRAST : DARK,
    // No blinking (VS Code's default too): the DOM renderer blinks with a CSS animation that
    // makes the page draw every frame, and every echo then waits a frame longer.
    cursorBlink: false,
    // At line height 1 the DOM renderer clips underscores below the cell ($LAB_VOLUME_RECORDS lost its _).
    lineHeight: 1.2,
    scrollback: 5000, allowProposedApi: true, rightClickSelectsWord: false, drawBoldTextInBrightColors: true,
    // Dim and coloured text stays readable (WCAG AA) in both renderers; CSS reaches only the DOM one.
    minimumContrastRatio: 4.5,
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
      onRenderer('dom');
    });
    withCspSafeStyles(document, () => term.loadAddon(webgl));
    onRenderer('webgl');
  } catch {
    // No WebGL (no GPU, or blocked): xterm keeps its DOM renderer.
    onRenderer('dom');
  }
  return { term, fit, search };
}
