// The lenses beside the terminals: a tab per lens, only the open one mounted (and polling).
// Esc closes it and gives focus back to whatever opened it: inside the panel, and anywhere else
// but a field, a terminal (Esc belongs to its shell) or an open dialog.
import { useEffect, useRef } from 'react';
import { typingInto } from '../app/shortcuts.js';
import type { LabSummary } from '../../../electron/shared/api.js';
import { FootprintLens } from './FootprintLens.js';
import { ImageLens } from './ImageLens.js';
import { KernelLens } from './KernelLens.js';
import { LENS_TITLES, LENSES, type Highlight, type LensName } from './lenses.js';
import { ProcessLens } from './ProcessLens.js';
import { VolumeLens } from './VolumeLens.js';

export interface LensPanelProps {
  lens: LensName;
  session: string;
  lab: LabSummary;
  highlight: Highlight | null;
  onHighlight(h: Highlight | null): void;
  onOpen(lens: LensName): void;
  onClose(): void;
}

export function LensPanel({ lens, session, lab, highlight, onHighlight, onOpen, onClose }: LensPanelProps) {
  const tablist = useRef<HTMLDivElement>(null);
  const close = useRef(onClose);
  close.current = onClose;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape' || e.defaultPrevented || typingInto(e.target) || document.querySelector('dialog[open]')) return;
      e.preventDefault();
      close.current();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  const onTabKey = (e: React.KeyboardEvent, i: number) => {
    const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!step) return;
    e.preventDefault();
    const next = LENSES[(i + step + LENSES.length) % LENSES.length]!;
    onOpen(next);
    tablist.current?.querySelector<HTMLButtonElement>(`#lens-tab-${next}`)?.focus();
  };
  return (
    <section id="lens-panel" className="lens-panel" aria-label="Lenses" data-lens={lens}
      onKeyDown={(e) => {
        // Esc in a filter with text clears the text first (the browser's own behaviour).
        const filled = e.target instanceof HTMLInputElement && e.target.value !== '';
        if (e.key === 'Escape' && !e.defaultPrevented && !filled) { e.preventDefault(); onClose(); }
      }}>
      <div className="lens-toolbar">
        <span className="lens-label" aria-hidden="true">Lenses</span>
        <div className="lens-tabs" role="tablist" aria-label="Lenses" ref={tablist}>
          {LENSES.map((name, i) => (
            <button key={name} id={`lens-tab-${name}`} type="button" role="tab" aria-selected={name === lens} aria-controls="lens-pane"
              tabIndex={name === lens ? 0 : -1} className={`lens-tab ${name === lens ? 'active' : ''}`}
              onClick={() => onOpen(name)} onKeyDown={(e) => onTabKey(e, i)}>{LENS_TITLES[name]}</button>
          ))}
        </div>
        <button type="button" className="icon-button lens-close" aria-label="Close the lenses" title="Close the lenses (L or Esc)" onClick={onClose}>✕</button>
      </div>
      <div id="lens-pane" role="tabpanel" aria-labelledby={`lens-tab-${lens}`} className="lens-body">
        {lens === 'processes' && <ProcessLens session={session} highlight={highlight} onHighlight={onHighlight} />}
        {lens === 'kernels' && <KernelLens session={session} highlight={highlight} onHighlight={onHighlight} />}
        {lens === 'footprint' && <FootprintLens session={session} lab={lab} />}
        {lens === 'images' && <ImageLens session={session} />}
        {lens === 'volumes' && <VolumeLens session={session} lab={lab} />}
      </div>
    </section>
  );
}
