// Find in a terminal's scrollback (Ctrl+Shift+F): Enter finds the next match, Shift+Enter the previous, Escape closes.
import { useEffect, useRef, useState } from 'react';
import type { SearchAddon } from '@xterm/addon-search';

export function SearchBar({ search, onClose }: { search: SearchAddon; onClose(): void }) {
  const input = useRef<HTMLInputElement>(null);
  const [query, setQuery] = useState('');
  const [found, setFound] = useState<boolean | null>(null);
  useEffect(() => { input.current?.focus(); }, []);
  const find = (backwards: boolean) => {
    if (!query) return;
    setFound(backwards ? search.findPrevious(query) : search.findNext(query));
  };
  return (
    <div className="terminal-search" role="search">
      <input ref={input} type="search" aria-label="Find in terminal" placeholder="Find" value={query}
        className={found === false ? 'not-found' : undefined}
        onChange={(e) => { setQuery(e.target.value); setFound(null); }}
        onKeyDown={(e) => {
          if (e.key === 'Enter') { e.preventDefault(); find(e.shiftKey); }
          if (e.key === 'Escape') { e.preventDefault(); search.clearDecorations(); onClose(); }
        }} />
      <button type="button" className="icon-button" aria-label="Previous match" onClick={() => find(true)}>↑</button>
      <button type="button" className="icon-button" aria-label="Next match" onClick={() => find(false)}>↓</button>
      <button type="button" className="icon-button" aria-label="Close search" onClick={() => { search.clearDecorations(); onClose(); }}>✕</button>
    </div>
  );
}
