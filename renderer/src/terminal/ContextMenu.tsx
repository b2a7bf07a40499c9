// A small keyboard-usable menu at the pointer: arrows move, Enter runs, Escape or a click outside closes.
import { useEffect, useRef } from 'react';
import { useLatest } from '../app/use-latest.js';

export interface MenuItem { label: string; shortcut?: string; disabled?: boolean; run(): void }

export function ContextMenu({ x, y, items, label, onClose }: { x: number; y: number; items: MenuItem[]; label: string; onClose(): void }) {
  const menu = useRef<HTMLDivElement>(null);
  const close = useLatest(onClose);
  useEffect(() => {
    menu.current?.querySelector<HTMLButtonElement>('button:not([disabled])')?.focus();
    const away = (e: MouseEvent) => { if (!menu.current?.contains(e.target as Node)) close.current(); };
    window.addEventListener('mousedown', away);
    return () => window.removeEventListener('mousedown', away);
  }, [close]);
  const move = (step: number) => {
    const buttons = [...(menu.current?.querySelectorAll<HTMLButtonElement>('button:not([disabled])') ?? [])];
    const i = buttons.indexOf(document.activeElement as HTMLButtonElement);
    buttons[(i + step + buttons.length) % buttons.length]?.focus();
  };
  const left = Math.min(x, window.innerWidth - 220);
  const top = Math.min(y, window.innerHeight - 40 * items.length - 16);
  return (
    <div ref={menu} className="context-menu" role="menu" aria-label={label} style={{ left, top }}
      onKeyDown={(e) => {
        if (e.key === 'Escape') { e.preventDefault(); onClose(); }
        if (e.key === 'ArrowDown') { e.preventDefault(); move(1); }
        if (e.key === 'ArrowUp') { e.preventDefault(); move(-1); }
      }}>
      {items.map((item) => (
        <button key={item.label} type="button" role="menuitem" disabled={item.disabled}
          onClick={() => { onClose(); item.run(); }}>
          <span>{item.label}</span>{item.shortcut && <kbd>{item.shortcut}</kbd>}
        </button>
      ))}
    </div>
  );
}
