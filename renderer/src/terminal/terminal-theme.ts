// Terminal colours: a dark theme matching the app, and a high-contrast one for presenter mode.
// Grey text (bright black: comments, faint prompts) keeps 4.5:1 on the background, as the
// app's own text does; dim text (SGR 2) is xterm's half-opacity foreground, which the DOM
// renderer's .xterm-dim rule in app.css replaces with a readable grey.
import type { ITheme } from '@xterm/xterm';

export const DARK: ITheme = {
  background: '#16181d', foreground: '#d7dae0', cursor: '#7aa2f7', cursorAccent: '#16181d',
  selectionBackground: '#3e4f72', selectionInactiveBackground: '#2f3746',
  black: '#1f2229', red: '#f7768e', green: '#9ece6a', yellow: '#e0af68', blue: '#7aa2f7', magenta: '#bb9af7', cyan: '#7dcfff', white: '#c0caf5',
  brightBlack: '#848c9b', brightRed: '#ff8fa3', brightGreen: '#b9f27c', brightYellow: '#ffd479', brightBlue: '#9bb8ff', brightMagenta: '#d0b4ff', brightCyan: '#a4e0ff', brightWhite: '#ffffff',
};

export const CONTRAST: ITheme = {
  background: '#000000', foreground: '#ffffff', cursor: '#ffd400', cursorAccent: '#000000',
  selectionBackground: '#0050a0', selectionInactiveBackground: '#003870',
  black: '#000000', red: '#ff6b6b', green: '#5dff5d', yellow: '#ffe14d', blue: '#6cb6ff', magenta: '#ff8cff', cyan: '#5ffbff', white: '#ffffff',
  brightBlack: '#b0b0b0', brightRed: '#ff9c9c', brightGreen: '#9dff9d', brightYellow: '#fff07a', brightBlue: '#a8d4ff', brightMagenta: '#ffb8ff', brightCyan: '#a0fdff', brightWhite: '#ffffff',
};

export const FONT_FAMILY = '"JetBrains Mono", "Cascadia Mono", "DejaVu Sans Mono", Menlo, Consolas, monospace';
