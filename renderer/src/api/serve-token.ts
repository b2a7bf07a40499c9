// The browser mode's secret, on the page's side. `labvisor serve` gives the page its token in the
// URL's fragment (#token=…), which no browser sends to any server, or, with `--open`, a one-time
// code (#code=…) that POST /session trades for the token once. The page keeps the token in
// sessionStorage (this tab, this origin: reloads and reconnects find it), takes the fragment out
// of the address bar and history, and shows the token only to its own server, as a WebSocket
// subprotocol. Never a cookie: cookies ignore ports, so every server on 127.0.0.1 would get it.
// DOM-free (the page's parts come in), so the unit tests run it. The names it shares with the
// server come from the wire contract (api-wire.ts).
import { SESSION_PATH, TOKEN_PROTOCOL_PREFIX, WS_PROTOCOL } from '../../../electron/shared/api-wire.js';

export { SESSION_PATH, TOKEN_PROTOCOL_PREFIX, WS_PROTOCOL };
export const TOKEN_KEY = 'labvisor.token';

/** What a fragment carries: `secret` undefined for "#token=" or "#code=" with a malformed value. */
export type FragmentSecret = { kind: 'token' | 'code'; secret: string | undefined };

/** The secret in `location.hash`, or undefined when the fragment is something else (a route). */
export function parseFragment(hash: string): FragmentSecret | undefined {
  const m = /^#(token|code)=(.*)$/s.exec(hash);
  if (!m) return undefined;
  const value = m[2]!;
  return { kind: m[1] as 'token' | 'code', secret: /^[A-Za-z0-9_-]{20,128}$/.test(value) ? value : undefined };
}

/** The subprotocols a WebSocket offers: the one the server selects, and the token. */
export const wsProtocols = (token: string): string[] => [WS_PROTOCOL, `${TOKEN_PROTOCOL_PREFIX}${token}`];

/** What the page is to takeToken. */
export interface PageSecrets {
  hash: string;
  /** Leaves the address bar and this history entry without the fragment (history.replaceState). */
  clearFragment(): void;
  storage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  /** POST /session {code}: the token, or undefined when the server refuses the code. */
  redeem(code: string): Promise<string | undefined>;
}

/** Moves a secret from the fragment into the tab's storage; the token this page may use, if any. */
export async function takeToken(page: PageSecrets): Promise<string | undefined> {
  const found = parseFragment(page.hash);
  // First, whatever follows: a secret must not stay in the address bar, even a bad or spent one.
  if (found) page.clearFragment();
  if (found?.secret && found.kind === 'token') page.storage.setItem(TOKEN_KEY, found.secret);
  if (found?.secret && found.kind === 'code') {
    const token = await page.redeem(found.secret).catch(() => undefined);
    if (token) page.storage.setItem(TOKEN_KEY, token);
  }
  return page.storage.getItem(TOKEN_KEY) ?? undefined;
}
