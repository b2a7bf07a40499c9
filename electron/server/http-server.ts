// `labvisor serve`'s server: HTTP for the renderer's files, one WebSocket at /ws for the LabApi
// and POST /session to trade `--open`'s one-time code for the token, on 127.0.0.1 only. Every
// request passes auth.ts first. Nothing here sets a cookie or redirects: the token lives in the
// page (see docs/security.md).
import { existsSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import { CLOSE, MAX_WEBSOCKET_FRAME_BYTES, SESSION_PATH, WS_PATH, WS_PROTOCOL } from '../shared/api-wire.js';
import { checkRequest, checkUpgrade, newToken, OneTimeCodes } from './auth.js';
import { PLACEHOLDER_PAGE, resolveStatic, sendFile } from '../host-common/static-files.js';
import type { HostApi } from '../host-common/lab-host.js';
import { handleConnection } from './ws-connection.js';
import { errorInWords } from '../engine/error-words.js';
import { stackWhenDebugging } from '../engine/error-log.js';

export interface ServerOptions {
  /** May still be loading: the server listens (and serves the page) meanwhile; WebSockets wait for it. */
  host: HostApi | Promise<HostApi>;
  /** 0 picks a free port. */
  port: number;
  /** The built renderer; a placeholder page is served while it does not exist. */
  rendererDir: string;
  log?: (line: string) => void;
  /** The token to ask for; a new one by default (`serve --port N` keeps one: server-identity.ts). */
  token?: string;
}

export interface RunningServer {
  port: number;
  token: string;
  /** What the user opens: http://127.0.0.1:PORT/#token=… (a fragment never reaches a server). */
  url: string;
  /** A URL for `--open`: http://127.0.0.1:PORT/#code=…, a code POST /session trades for the token once. */
  codeUrl(): string;
  close(): Promise<void>;
}

export const HOST = '127.0.0.1';
export { SESSION_PATH } from '../shared/api-wire.js';
/** A code is 43 characters: a body much larger than `{"code":"…"}` is not one. */
const MAX_SESSION_BODY = 1024;

/** The headers of every answer: a strict CSP (no inline script or style, WebSocket to us only), no framing, no sniffing. */
export function securityHeaders(port: number): Record<string, string> {
  const csp = [
    "default-src 'self'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
    `connect-src 'self' ws://127.0.0.1:${port} ws://localhost:${port}`,
    "object-src 'none'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; ');
  return {
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    'Referrer-Policy': 'no-referrer',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const log = opts.log ?? (() => {});
  const token = opts.token ?? newToken();
  const codes = new OneTimeCodes();
  let port = opts.port;
  // Browsers drop a socket whose server selects none of the subprotocols they offered; the
  // token's own subprotocol is never echoed back.
  const wss = new WebSocketServer({
    noServer: true, maxPayload: MAX_WEBSOCKET_FRAME_BYTES,
    handleProtocols: (offered) => offered.has(WS_PROTOCOL) ? WS_PROTOCOL : false,
  });
  let connections = 0;

  const text = (res: ServerResponse, status: number, body: string, extra: Record<string, string> = {}) => {
    res.writeHead(status, { ...securityHeaders(port), 'Content-Type': 'text/plain; charset=utf-8', ...extra });
    res.end(`${body}\n`);
  };

  /** POST /session {code}: the token once per code, never cached. */
  const redeem = async (req: IncomingMessage, res: ServerResponse) => {
    const noStore = { 'Cache-Control': 'no-store' };
    if (req.method !== 'POST') return text(res, 405, 'only POST', { Allow: 'POST', ...noStore });
    if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return text(res, 415, 'the body must be JSON', noStore);
    let body = '';
    for await (const chunk of req) {
      body += String(chunk);
      if (body.length > MAX_SESSION_BODY) return text(res, 413, 'the body is too large', noStore);
    }
    let code: unknown;
    try {
      code = (JSON.parse(body) as { code?: unknown } | null)?.code;
    } catch {
      return text(res, 400, 'the body is not JSON', noStore);
    }
    if (!codes.redeem(code)) {
      log(`POST ${SESSION_PATH}: 401 a wrong, spent or expired code`);
      return text(res, 401, 'this code is wrong, spent or expired: open the URL `labvisor serve` printed', noStore);
    }
    res.writeHead(200, { ...securityHeaders(port), 'Content-Type': 'application/json; charset=utf-8', ...noStore });
    res.end(JSON.stringify({ token }));
  };

  const onRequest = async (req: IncomingMessage, res: ServerResponse) => {
    const verdict = checkRequest(req, port);
    if (!verdict.ok) {
      log(`${req.method} ${req.url?.split('?')[0]}: ${verdict.status} ${verdict.reason}`);
      return text(res, verdict.status, verdict.reason);
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === SESSION_PATH) return redeem(req, res);
    if (req.method !== 'GET' && req.method !== 'HEAD') return text(res, 405, 'only GET and HEAD', { Allow: 'GET, HEAD' });
    if (url.pathname === WS_PATH) return text(res, 426, 'this is the WebSocket endpoint', { Upgrade: 'websocket' });
    const head = req.method === 'HEAD';
    if (!existsSync(opts.rendererDir)) {
      if (url.pathname !== '/' && url.pathname !== '/index.html') return text(res, 404, 'not found');
      res.writeHead(200, { ...securityHeaders(port), 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
      return res.end(head ? undefined : PLACEHOLDER_PAGE);
    }
    let file: string | undefined;
    try {
      file = await resolveStatic(opts.rendererDir, url.pathname);
    } catch (err) {
      log(`GET ${url.pathname}: 400 ${(err as Error).message}`);
      return text(res, 400, (err as Error).message);
    }
    if (!file) return text(res, 404, 'not found');
    sendFile(res, file, securityHeaders(port), head);
  };

  const refuseUpgrade = (socket: Duplex, status: number, reason: string) => {
    const titles: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };
    const body = `${reason}\n`;
    socket.end(`HTTP/1.1 ${status} ${titles[status] ?? 'Error'}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };

  const server = createServer((req, res) => {
    onRequest(req, res).catch((err: unknown) => {
      const request = `${req.method} ${req.url?.split('?')[0]}`;
      log(`${request}: ${errorInWords(err, `serve: ${request}`)}${stackWhenDebugging(err)}`);
      if (!res.headersSent) text(res, 500, 'internal error');
      else res.destroy();
    });
  });
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    const path = new URL(req.url ?? '/', 'http://127.0.0.1').pathname;
    if (path !== WS_PATH) return refuseUpgrade(socket, 404, `WebSocket upgrades only at ${WS_PATH}`);
    const verdict = checkUpgrade(req, port, token);
    if (!verdict.ok) {
      log(`WebSocket upgrade refused: ${verdict.status} ${verdict.reason}`);
      return refuseUpgrade(socket, verdict.status, verdict.reason);
    }
    // The upgrade completes once the host is there, so no message can arrive before its handler.
    Promise.resolve(opts.host).then((host) => {
      if (socket.destroyed) return;
      wss.handleUpgrade(req, socket, head, (ws) => {
        const name = `ws#${++connections}`;
        handleConnection(ws, { host, log }, name);
      });
    }, (err: Error) => refuseUpgrade(socket, 500, `the engine did not load: ${err.message}`));
  });
  server.on('clientError', (_err, socket) => socket.destroy());

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    // Loopback only: nothing on the network can reach the API.
    server.listen({ port: opts.port, host: HOST }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no TCP address');
  port = address.port;

  return {
    port, token, url: `http://${HOST}:${port}/#token=${token}`,
    codeUrl: () => `http://${HOST}:${port}/#code=${codes.issue()}`,
    close: async () => {
      for (const ws of wss.clients) ws.close(CLOSE.GOING_AWAY, 'the server stops');
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        setTimeout(() => { for (const ws of wss.clients) ws.terminate(); }, 1000).unref();
      });
      wss.close();
    },
  };
}
