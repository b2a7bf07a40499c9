// Terminal font zoom (Ctrl+= / Ctrl+- / Ctrl+0). Pure.
export const FONT = { DEFAULT: 14, PRESENTER: 22, MIN: 8, MAX: 40 } as const;

export type Zoom = 'in' | 'out' | 'reset';

/**
 * Presenter mode's terminal font for a window `width` px wide: large on a big screen, smaller on a
 * 1024 px projector so a command line still fits (18 px leaves ~47 columns there, 22 px left 39).
 */
export function presenterFont(width: number): number {
  return Math.max(16, Math.min(FONT.PRESENTER, Math.round(width / 56)));
}

export function zoomFont(size: number, zoom: Zoom, base: number = FONT.DEFAULT): number {
  if (zoom === 'reset') return base;
  return Math.max(FONT.MIN, Math.min(FONT.MAX, size + (zoom === 'in' ? 1 : -1)));
}
