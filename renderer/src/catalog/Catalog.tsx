// The lab catalog: this machine's state, a search box, tag filters and a card per lab.
import { useEffect, useMemo, useState } from 'react';
import type { LabProgress, LabSummary, SessionInfo } from '../../../electron/shared/api.js';
import { errorText, useClient, useConnectionState } from '../app/client-context.js';
import { SearchIcon } from '../app/icons.js';
import { EngineStatus } from './EngineStatus.js';
import { allTags, filterLabs } from './filter-labs.js';
import { LabCard } from './LabCard.js';

export function Catalog({ onOpen }: { onOpen(lab: string): void }) {
  const client = useClient();
  const connection = useConnectionState(client);
  const [labs, setLabs] = useState<LabSummary[]>();
  const [progress, setProgress] = useState<Record<string, LabProgress>>({});
  const [sessions, setSessions] = useState<SessionInfo[]>([]);
  const [error, setError] = useState<string>();
  const [query, setQuery] = useState('');
  const [tags, setTags] = useState<string[]>([]);

  useEffect(() => {
    if (connection !== 'open') return;
    let live = true;
    (async () => {
      const [{ labs }, { sessions }] = await Promise.all([client.call('listLabs', {}), client.call('listSessions', {})]);
      const saved = await Promise.all(labs.map((l) => client.call('getProgress', { lab: l.id })));
      if (!live) return;
      setLabs(labs);
      setSessions(sessions);
      setProgress(Object.fromEntries(saved.map((p) => [p.lab, p])));
      setError(undefined);
    })().catch((err) => { if (live) setError(errorText(err)); });
    return () => { live = false; };
  }, [client, connection]);

  const tagList = useMemo(() => allTags(labs ?? []), [labs]);
  const shown = useMemo(() => filterLabs(labs ?? [], query, tags), [labs, query, tags]);
  const toggle = (tag: string) => setTags((t) => (t.includes(tag) ? t.filter((x) => x !== tag) : [...t, tag]));

  return (
    <main id="main" className="catalog" tabIndex={-1}>
      <div className="catalog-inner">
        <div className="catalog-head">
          <div>
            <h1>Labs</h1>
            <p className="muted">Real containers and real virtual machines, side by side on this computer.</p>
          </div>
        </div>
        <EngineStatus />
        <div className="catalog-filters">
          <label className="search-field">
            <SearchIcon />
            <span className="visually-hidden">Search labs</span>
            <input type="search" placeholder="Search labs" value={query} onChange={(e) => setQuery(e.target.value)} />
          </label>
          <div className="tag-filter" role="group" aria-label="Filter by tag">
            {tagList.map((t) => (
              <button key={t} type="button" className="tag-toggle" aria-pressed={tags.includes(t)} onClick={() => toggle(t)}>{t}</button>
            ))}
          </div>
        </div>
        {error && <p className="error-box" role="alert">Could not load the labs: {error}</p>}
        {!labs && !error && <p className="muted"><span className="spinner" aria-hidden="true" /> Loading labs…</p>}
        {labs && (
          <>
            <p className="visually-hidden" role="status">{shown.length} of {labs.length} labs shown</p>
            {shown.length === 0 && <p className="muted">No lab matches. <button type="button" className="link-button" onClick={() => { setQuery(''); setTags([]); }}>Clear the filters</button></p>}
            <div className="lab-grid">
              {shown.map((lab) => (
                <LabCard key={lab.id} lab={lab} progress={progress[lab.id]}
                  running={sessions.some((s) => s.lab === lab.id && (s.state === 'running' || s.state === 'starting'))}
                  onOpen={() => onOpen(lab.id)} />
              ))}
            </div>
          </>
        )}
      </div>
    </main>
  );
}
