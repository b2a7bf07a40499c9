// Terminal font zoom (Ctrl+= / Ctrl+- / Ctrl+0). Pure.
export const FONT = { DEFAULT: 14, PRESENTER: 22, MIN: 8, MAX: 40 } as const;

export type Zoom = 'in' | 'out' | 'reset';

export function zoomFont(size: number, zoom: Zoom, base: number = FONT.DEFAULT): number {
  if (zoom === 'reset') return base;
  return Math.max(FONT.MIN, Math.min(FONT.MAX, size + (zoom === 'in' ? 1 : -1)));
}
