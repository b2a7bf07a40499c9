// Who may talk to `labvisor serve`: a page that was given this start's token. The server binds
// 127.0.0.1 only, and still checks every request, because any web page the user opens, and any
// other server on 127.0.0.1 the browser visits, is a neighbour:
// - Host must name this server (localhost, 127.0.0.1 or [::1] with our port): defeats DNS rebinding;
// - a foreign Origin may not open the WebSocket nor send a state-changing request (CSRF);
// - the token opens the WebSocket only, presented as a subprotocol. It never travels in a
//   cookie (cookies ignore ports: the browser would hand it to every server on 127.0.0.1) nor
//   in a URL a server sees (the page gets it in the fragment). The files of the page hold no
//   secret and need no token.
// `--open` hands the browser a one-time code instead of the token (argv is readable by others).
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TOKEN_PROTOCOL_PREFIX } from '../shared/api-wire.js';

export { TOKEN_PROTOCOL_PREFIX, WS_PROTOCOL } from '../shared/api-wire.js';

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

/** No Origin (a non-browser client) passes; a present one must be ours. */
export function originAllowed(origin: string | undefined, port: number): boolean {
  if (origin === undefined) return true;
  return allowedOrigins(port).includes(origin.trim().toLowerCase());
}

/** Requests that change nothing: the Origin rule applies to the others. */
export const isSafeMethod = (method: string | undefined): boolean => method === 'GET' || method === 'HEAD' || method === 'OPTIONS';

export function tokensEqual(given: string | undefined | null, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** The token a WebSocket offers in `Sec-WebSocket-Protocol` (`labvisor, labvisor.token.<token>`). */
export function protocolToken(header: string | string[] | undefined): string | undefined {
  const offered = (Array.isArray(header) ? header.join(',') : header ?? '').split(',').map((p) => p.trim());
  return offered.find((p) => p.startsWith(TOKEN_PROTOCOL_PREFIX))?.slice(TOKEN_PROTOCOL_PREFIX.length);
}

export type Verdict = { ok: true } | { ok: false; status: 401 | 403; reason: string };

const hostVerdict = (req: IncomingMessage, port: number): Verdict => hostAllowed(req.headers.host, port)
  ? { ok: true }
  : { ok: false, status: 403, reason: `Host "${req.headers.host ?? ''}" is not this server` };

/**
 * A plain HTTP request: Host always; a state-changing one (POST /session) must also come from
 * our page, so its Origin must be present and ours (browsers send it on every POST).
 */
export function checkRequest(req: IncomingMessage, port: number): Verdict {
  const host = hostVerdict(req, port);
  if (!host.ok || isSafeMethod(req.method)) return host;
  const origin = req.headers.origin;
  if (origin === undefined || !originAllowed(origin, port)) return { ok: false, status: 403, reason: `Origin "${origin ?? ''}" may not use this server` };
  return { ok: true };
}

/** A WebSocket upgrade: Host, then Origin, then the token among the offered subprotocols. */
export function checkUpgrade(req: IncomingMessage, port: number, token: string): Verdict {
  const host = hostVerdict(req, port);
  if (!host.ok) return host;
  const origin = req.headers.origin;
  if (!originAllowed(origin, port)) return { ok: false, status: 403, reason: `Origin "${origin}" may not use this server` };
  if (!tokensEqual(protocolToken(req.headers['sec-websocket-protocol']), token)) {
    return { ok: false, status: 401, reason: 'no valid token: open the URL `labvisor serve` printed' };
  }
  return { ok: true };
}

export const CODE_TTL_MS = 2 * 60_000;

/**
 * The codes `--open` gives the browser in place of the token: each trades for the token once,
 * within CODE_TTL_MS. A code in a process's argv is readable by other users; one that is spent
 * or stale opens nothing.
 */
export class OneTimeCodes {
  private readonly live = new Map<string, number>(); // code → when it expires

  constructor(private readonly ttlMs = CODE_TTL_MS, private readonly now: () => number = Date.now) {}

  issue(): string {
    const code = newToken();
    this.live.set(code, this.now() + this.ttlMs);
    return code;
  }

  /** True once per issued code, before it expires. */
  redeem(code: unknown): boolean {
    const now = this.now();
    for (const [c, expires] of this.live) if (expires <= now) this.live.delete(c);
    if (typeof code !== 'string') return false;
    for (const c of this.live.keys()) {
      if (tokensEqual(code, c)) {
        this.live.delete(c);
        return true;
      }
    }
    return false;
  }
}
