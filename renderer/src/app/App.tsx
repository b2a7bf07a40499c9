// The app's frame: a title bar (where you are, the connection, presenter mode, help), then the
// catalog or a lab. Global single-key shortcuts live here; the player adds its own. The trust
// dialog too: the catalog asks it after opening a folder, and any startLab the engine refuses
// for want of trust asks it through the page's client.
import { useCallback, useEffect, useMemo, useState } from 'react';
import type { LabClient } from '../api/lab-client.js';
import { Catalog } from '../catalog/Catalog.js';
import { TrustPrompt } from '../catalog/TrustDialog.js';
import { TrustGate, TrustingClient } from '../catalog/trust-gate.js';
import { Player } from '../player/Player.js';
import { RecordingsPage } from '../recordings/RecordingsPage.js';
import { ClientContext, useConnectionState } from './client-context.js';
import { HelpOverlay } from './HelpOverlay.js';
import { Logo } from './icons.js';
import { parseRoute, routeHash, type Route } from './route.js';
import { typingInto } from './shortcuts.js';
import { useServerRestarted } from './use-server-restart.js';

const PRESENTER_KEY = 'labvisor.presenter';

export function App({ client: given }: { client: LabClient }) {
  const trust = useMemo(() => new TrustGate(), []);
  const client = useMemo(() => new TrustingClient(given, trust), [given, trust]);
  const [route, setRoute] = useState<Route>(() => parseRoute(location.hash));
  const [help, setHelp] = useState(false);
  const [presenter, setPresenter] = useState(() => localStorage.getItem(PRESENTER_KEY) === '1');
  const [labTitle, setLabTitle] = useState<string>();
  const connection = useConnectionState(client);
  const server = useServerRestarted(client);

  useEffect(() => {
    const onHash = () => setRoute(parseRoute(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);

  useEffect(() => {
    document.documentElement.classList.toggle('presenter', presenter);
    localStorage.setItem(PRESENTER_KEY, presenter ? '1' : '0');
  }, [presenter]);

  useEffect(() => {
    document.title = route.page === 'lab' && labTitle ? `${labTitle} — Labvisor` : 'Labvisor';
  }, [route, labTitle]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || typingInto(e.target)) return;
      if (e.key === '?') { e.preventDefault(); setHelp((h) => !h); }
      if (e.key === 'p' || e.key === 'P') { e.preventDefault(); setPresenter((p) => !p); }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const go = useCallback((next: Route) => { location.hash = routeHash(next); }, []);

  return (
    <ClientContext.Provider value={client}>
      <div className="app">
        <a className="skip-link" href="#main">Skip to content</a>
        <header className="titlebar">
          <a className="brand" href="#/" aria-label="Labvisor: all labs"><Logo /><span>Labvisor</span></a>
          <nav aria-label="Breadcrumb" className="breadcrumb">
            <ol>
              <li><a href="#/" aria-current={route.page === 'catalog' ? 'page' : undefined}>Labs</a></li>
              {route.page === 'lab' && <li><span aria-current="page">{labTitle ?? route.lab}</span></li>}
              {route.page === 'recordings' && <li><span aria-current="page">Recordings</span></li>}
            </ol>
          </nav>
          <div className="titlebar-actions">
            {connection !== 'open' && (
              <span className={`connection ${connection}`} role="status">
                <span className="spinner" aria-hidden="true" />
                {connection === 'connecting' ? 'Connecting to Labvisor…' : 'Connection lost — reconnecting…'}
              </span>
            )}
            {connection === 'open' && server.restarted && (
              <span className="connection restarted" role="status">
                The server restarted — reconnected.
                <button type="button" className="button ghost icon-only" aria-label="Dismiss" onClick={server.dismiss}>×</button>
              </span>
            )}
            <button type="button" className="button ghost" aria-pressed={presenter} onClick={() => setPresenter((p) => !p)}
              title="Presenter mode: large fonts, high contrast (P)">Presenter</button>
            <button type="button" className="button ghost icon-only" aria-label="Keyboard shortcuts" title="Keyboard shortcuts (?)"
              onClick={() => setHelp(true)}>?</button>
          </div>
        </header>
        {route.page === 'catalog'
          ? <Catalog onOpen={(lab) => go({ page: 'lab', lab })} trust={trust} />
          : route.page === 'recordings' ? <RecordingsPage {...(route.id ? { id: route.id } : {})} />
          : <Player key={route.lab} labId={route.lab} presenter={presenter} onTitle={setLabTitle} onLeave={() => go({ page: 'catalog' })}
            onOpenLab={(lab) => go({ page: 'lab', lab })} />}
        {help && <HelpOverlay onClose={() => setHelp(false)} />}
        <TrustPrompt gate={trust} />
      </div>
    </ClientContext.Provider>
  );
}
