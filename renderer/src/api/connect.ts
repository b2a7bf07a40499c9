// One client per page, picked by the host: Electron's preload API when it exists, else the
// WebSocket to `labvisor serve`, which needs the token the page was given (serve-token.ts).
import { IpcLabClient } from './ipc-client.js';
import type { LabClient } from './lab-client.js';
import { parseFragment, SESSION_PATH, takeToken, TOKEN_KEY, type PageSecrets } from './serve-token.js';
import { WsLabClient } from './ws-client.js';

async function redeem(code: string): Promise<string | undefined> {
  const res = await fetch(SESSION_PATH, {
    method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ code }), cache: 'no-store',
  });
  if (!res.ok) return undefined;
  const { token } = await res.json() as { token?: unknown };
  return typeof token === 'string' ? token : undefined;
}

const thisPage = (): PageSecrets => ({
  hash: location.hash,
  clearFragment: () => history.replaceState(history.state, '', location.pathname + location.search),
  storage: sessionStorage,
  redeem,
});

/** The page's client, or undefined in a browser that was given no token. */
export async function connectLabClient(): Promise<LabClient | undefined> {
  if (window.labvisor) return new IpcLabClient(window.labvisor);
  // A token or code URL pasted into this open tab only changes the hash: start over to take it.
  window.addEventListener('hashchange', () => { if (parseFragment(location.hash)) location.reload(); });
  const token = await takeToken(thisPage());
  if (!token) return undefined;
  // Read at each connect: a token taken later in this tab is the one the next reconnect shows.
  return new WsLabClient(() => sessionStorage.getItem(TOKEN_KEY) ?? token);
}
