// The lab catalog: this machine's state, a search box, tag filters and a card per lab — the
// bundled labs and the lab folders the learner opened (button, O, or a folder dropped here); and
// a workshop bundle to load (button or B), which brings labs and their images for offline rooms.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { LabProgress, LabSummary, SessionInfo } from '../../../electron/shared/api.js';
import { errorText, useClient, useConnectionState } from '../app/client-context.js';
import { BundleIcon, FolderIcon, SearchIcon } from '../app/icons.js';
import { typingInto } from '../app/shortcuts.js';
import { EngineStatus } from './EngineStatus.js';
import { allTags, filterLabs } from './filter-labs.js';
import { LabCard } from './LabCard.js';
import { BundleDialog } from './BundleDialog.js';
import { OpenFolderDialog } from './OpenFolderDialog.js';
import type { TrustGate } from './trust-gate.js';
import { useFolderDrop } from './use-folder-drop.js';
import { useLoadBundle } from './use-load-bundle.js';
import { useOpenFolder } from './use-open-folder.js';

export function Catalog({ onOpen, trust }: { onOpen(lab: string): void; trust: TrustGate }) {
  const client = useClient();
  const connection = useConnectionState(client);
  const [labs, setLabs] = useState<LabSummary[]>();
  const [progress, setProgress] = useState<Record<string, LabProgress>>({});
  const [sessions, setSessions] = useState<SessionInfo[]>([]);
  const [error, setError] = useState<string>();
  const [query, setQuery] = useState('');
  const [tags, setTags] = useState<string[]>([]);
  // Bumped to read the catalog again (a folder opened or removed).
  const [generation, setGeneration] = useState(0);
  // The lab just opened: its card is shown, marked and focused once the catalog has it.
  const [selected, setSelected] = useState<{ lab: string; at: number }>();
  const [notice, setNotice] = useState<string>();
  const openButton = useRef<HTMLButtonElement>(null);

  const opened = useCallback((lab: string) => {
    setQuery('');
    setTags([]);
    setSelected({ lab, at: Date.now() });
    setGeneration((g) => g + 1);
  }, []);
  const folder = useOpenFolder(trust, opened);
  const drop = useFolderDrop(folder.dropped);
  const loadedBundle = useCallback((labs: string[]) => {
    setNotice(`Workshop bundle loaded: ${labs.length} ${labs.length === 1 ? 'lab' : 'labs'} ready to start offline.`);
    setGeneration((g) => g + 1);
  }, []);
  const bundle = useLoadBundle(loadedBundle);

  const chooseFolder = folder.choose;
  const chooseBundle = bundle.choose;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typingInto(e.target)) return;
      if (e.target instanceof Element && e.target.closest('dialog')) return;
      if (e.key === 'o' || e.key === 'O') { e.preventDefault(); void chooseFolder(); }
      if (e.key === 'b' || e.key === 'B') { e.preventDefault(); void chooseBundle(); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [chooseFolder, chooseBundle]);

  const remove = async (lab: LabSummary) => {
    try {
      await client.call('closeLabFolder', { lab: lab.id });
      setNotice(`Removed “${lab.title}” from the catalog; its folder is untouched.`);
      setGeneration((g) => g + 1);
      openButton.current?.focus();
    } catch (err) {
      setNotice(`Could not remove “${lab.title}”: ${errorText(err)}`);
    }
  };

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
  }, [client, connection, generation]);

  const tagList = useMemo(() => allTags(labs ?? []), [labs]);
  // The server lists the labs in path order: their places, counted over the whole catalog.
  const path = useMemo(() => (labs ?? []).filter((l) => l.order !== undefined).map((l) => l.id), [labs]);
  const shown = useMemo(() => filterLabs(labs ?? [], query, tags), [labs, query, tags]);
  const toggle = (tag: string) => setTags((t) => (t.includes(tag) ? t.filter((x) => x !== tag) : [...t, tag]));

  return (
    <main id="main" className={`catalog${drop.over ? ' drop-target' : ''}`} tabIndex={-1} {...drop.handlers}>
      <div className="catalog-inner">
        <div className="catalog-head">
          <div>
            <h1>Labs</h1>
            <p className="muted">Real containers and real virtual machines, side by side on this computer.</p>
            {path.length > 0 && <p className="muted">New here? The numbered labs are a learning path: start with 1, and each finished lab offers the next.</p>}
          </div>
          <div className="catalog-actions">
            <button type="button" ref={openButton} className="button" onClick={() => void folder.choose()}
              aria-keyshortcuts="O" title="Open a lab folder: pick it, type its path, or drop it here (O)">
              <FolderIcon /> Open lab folder…
            </button>
            <button type="button" className="button" onClick={() => void bundle.choose()}
              aria-keyshortcuts="B" title="Load a workshop bundle: labs and their images, for a room without network (B)">
              <BundleIcon /> Load workshop bundle…
            </button>
            <a className="button ghost recordings-link" href="#/recordings">Recordings</a>
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
        <p className="catalog-notice" role="status">{notice}</p>
        {!labs && !error && <p className="muted"><span className="spinner" aria-hidden="true" /> Loading labs…</p>}
        {labs && (
          <>
            <p className="visually-hidden" role="status">{shown.length} of {labs.length} labs shown</p>
            {shown.length === 0 && <p className="muted">No lab matches. <button type="button" className="link-button" onClick={() => { setQuery(''); setTags([]); }}>Clear the filters</button></p>}
            <div className="lab-grid">
              {shown.map((lab) => (
                <LabCard key={lab.id} lab={lab} progress={progress[lab.id]}
                  pathStep={path.includes(lab.id) ? path.indexOf(lab.id) + 1 : undefined} pathLength={path.length}
                  running={sessions.some((s) => s.lab === lab.id && (s.state === 'running' || s.state === 'starting'))}
                  selected={selected?.lab === lab.id ? selected.at : undefined}
                  onOpen={() => onOpen(lab.id)} onRemove={lab.source === 'folder' ? () => void remove(lab) : undefined} />
              ))}
            </div>
          </>
        )}
      </div>
      {drop.over && <div className="drop-overlay" aria-hidden="true"><FolderIcon /> Drop a lab folder to open it</div>}
      {bundle.state && (
        <BundleDialog state={bundle.state} onLoad={(path) => void bundle.load(path)} onClose={bundle.close}
          engineHost={client.kind === 'electron' ? 'on this computer' : 'on the computer running labvisor serve'} />
      )}
      {folder.prompt && (
        <OpenFolderDialog prompt={folder.prompt} onSubmit={(path) => void folder.open(path, folder.prompt?.dropped)} onCancel={folder.cancel}
          engineHost={client.kind === 'electron' ? 'on this computer' : 'on the computer running labvisor serve'} />
      )}
    </main>
  );
}
