// Where the window's page comes from and which URLs may leave the app. The renderer is served
// from app://labvisor/ (app-protocol.ts), never from file:// or a server, so one URL check tells
// our page from anything else. Plain module (no 'electron'): unit-tested in Node.
export const APP_SCHEME = 'app';
export const APP_HOST = 'labvisor';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
/** What the window loads. */
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

function parse(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** A URL of our own page (app://labvisor/…), the only origin allowed to call the API. */
export function isAppUrl(url: string): boolean {
  const u = parse(url);
  return u !== undefined && u.protocol === `${APP_SCHEME}:` && u.host === APP_HOST;
}

/** A web page a lab links to: the only kind of URL handed to the system browser. */
export function isExternalHttpUrl(url: string): boolean {
  const u = parse(url);
  return u !== undefined && (u.protocol === 'http:' || u.protocol === 'https:') && u.hostname !== '';
}

/** The only permissions our page gets: the terminals' copy and paste (Ctrl+Shift+C/V, the context menu). */
const CLIPBOARD = new Set(['clipboard-read', 'clipboard-sanitized-write']);

export function permissionAllowed(permission: string, requestingUrl: string): boolean {
  return CLIPBOARD.has(permission) && isAppUrl(requestingUrl);
}
