// app://labvisor/ serves the built renderer (renderer/dist) to the window, with the app's CSP as
// a response header. Containment is resolveStatic's (the same as `labvisor serve`): no URL and
// no symlink reaches outside the folder (400); anything else missing is a 404.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { protocol } from 'electron';
import { contentType, resolveStatic } from '../host-common/static-files.js';
import { appHeaders } from './app-headers.js';
import { APP_HOST, APP_SCHEME } from './app-origin.js';

/** Shown when renderer/dist does not exist; no script, no inline style (the CSP forbids both). */
const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Labvisor</title></head>
<body>
<h1>Labvisor is running</h1>
<p>The lab player (the React UI in <code>renderer/</code>) is not built in this copy, so there is nothing to show here yet.</p>
<p>The command line runs labs meanwhile: <code>labvisor run volume-backup</code>.</p>
</body>
</html>
`;

/**
 * Must run before the app is ready. Standard: relative URLs and an origin of its own; secure:
 * a secure context like https; fetch and CORS: Vite's module scripts are CORS requests.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } },
  ]);
}

function text(status: number, body: string): Response {
  return new Response(`${body}\n`, { status, headers: { ...appHeaders(), 'Content-Type': 'text/plain; charset=utf-8' } });
}

export function serveAppProtocol(rendererDir: string, log: (line: string) => void): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== APP_HOST) return text(404, 'not found');
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'only GET and HEAD');
    const html = { ...appHeaders(), 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' };
    if (!existsSync(rendererDir)) {
      if (url.pathname !== '/' && url.pathname !== '/index.html') return text(404, 'not found');
      return new Response(request.method === 'HEAD' ? null : PLACEHOLDER_PAGE, { status: 200, headers: html });
    }
    let file: string | undefined;
    try {
      file = await resolveStatic(rendererDir, url.pathname);
    } catch (err) {
      if (!(err instanceof RangeError)) throw err;
      log(`${APP_SCHEME}: ${url.pathname}: 400 ${err.message}`);
      return text(400, err.message);
    }
    if (!file) return text(404, 'not found');
    const body = request.method === 'HEAD' ? null : await readFile(file);
    return new Response(body, { status: 200, headers: { ...appHeaders(), 'Content-Type': contentType(file), 'Cache-Control': 'no-cache' } });
  });
}
