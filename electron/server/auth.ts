// Who may talk to `labvisor serve`: a page that was given this start's token. The server binds
// 127.0.0.1 only, and still checks every request, because any web page the user opens can send
// requests to loopback:
// - Host must name this server (localhost, 127.0.0.1 or [::1] with our port): defeats DNS rebinding;
// - a foreign Origin may not open the WebSocket nor send a state-changing request (CSRF);
// - the token (once, in the URL) or the cookie it was exchanged for must come with every request.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const newToken = (): string => randomBytes(32).toString('base64url');

const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]'];

/** `Host: 127.0.0.1:PORT` (or localhost, [::1]); the port may be left out only when it is 80. */
export function hostAllowed(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const m = /^(localhost|127\.0\.0\.1|\[::1\])(?::(\d{1,5}))?$/i.exec(host.trim());
  if (!m) return false;
  return m[2] === undefined ? port === 80 : Number(m[2]) === port;
}

/** The origins of pages this server served. */
export function allowedOrigins(port: number): string[] {
  return LOOPBACK_NAMES.map((h) => `http://${h}:${port}`);
}

/** No Origin (a non-browser client, or a same-origin GET) passes; a present one must be ours. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return allowedOrigins(port).includes(origin.trim().toLowerCase());
}

/** Requests that change nothing: the Origin rule applies to the others. */
export const isSafeMethod = (method: string | undefined): boolean => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

/** Cookies are shared by every port of a host, so the name carries ours: two servers do not clash. */
export const cookieName = (port: number): string => `labvisor-${port}`;

export function sessionCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; HttpOnly; SameSite=Strict; Path=/`;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export function tokensEqual(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

export type Verdict =
  | { ok: true; via: 'cookie' | 'token' }
  | { ok: false; status: 401 | 403; reason: string };

/** Every check for one request (HTTP or WebSocket upgrade), in order: Host, Origin, then token or cookie. */
export function checkRequest(req: IncomingMessage, port: number, token: string, opts: { upgrade: boolean }): Verdict {
  if (!hostAllowed(req.headers.host, port)) return { ok: false, status: 403, reason: `Host "${req.headers.host ?? ''}" is not this server` };
  const origin = req.headers.origin;
  if ((opts.upgrade || !isSafeMethod(req.method)) && !originAllowed(origin, port)) {
    return { ok: false, status: 403, reason: `Origin "${origin}" may not use this server` };
  }
  if (tokensEqual(readCookie(req.headers.cookie, cookieName(port)), token)) return { ok: true, via: 'cookie' };
  if (tokensEqual(new URL(req.url ?? '/', 'http://x').searchParams.get('token'), token)) return { ok: true, via: 'token' };
  return { ok: false, status: 401, reason: 'no valid token: open the URL `labvisor serve` printed' };
}
