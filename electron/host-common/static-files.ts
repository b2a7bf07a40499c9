// The renderer's built files (renderer/dist), served with a containment check: no URL, encoded
// or not, and no symlink inside the folder reaches a file outside it. Without a built renderer,
// a small placeholder page says how to use the API meanwhile.
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import path from 'node:path';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export const contentType = (file: string): string => TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

function inside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && rel.split(path.sep)[0] !== '..' && !path.isAbsolute(rel);
}

/**
 * The file for a URL path under root, or undefined (404). Throws a RangeError on a path that
 * cannot be decoded or tries to leave the folder (400).
 */
export async function resolveStatic(root: string, urlPath: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(urlPath);
  } catch {
    throw new RangeError('the path is not valid percent-encoding');
  }
  if (decoded.includes('\0') || decoded.includes('\\')) throw new RangeError('the path has a forbidden character');
  if (decoded.split('/').includes('..')) throw new RangeError('the path leaves the folder');
  const realRoot = await realpath(root);
  let file = path.resolve(realRoot, `.${path.posix.normalize(`/${decoded}`)}`);
  if (file !== realRoot && !inside(realRoot, file)) throw new RangeError('the path leaves the folder');
  let stats = await stat(file).catch(() => undefined);
  if (stats?.isDirectory()) {
    file = path.join(file, 'index.html');
    stats = await stat(file).catch(() => undefined);
  }
  // A client-side route ("/labs/volume-backup"): the app's page.
  if (!stats && path.extname(decoded) === '') {
    file = path.join(realRoot, 'index.html');
    stats = await stat(file).catch(() => undefined);
  }
  if (!stats?.isFile()) return undefined;
  const real = await realpath(file);
  if (!inside(realRoot, real)) throw new RangeError('the path leads outside the folder (through a symlink)');
  return real;
}

export function sendFile(res: ServerResponse, file: string, headers: Record<string, string>, head: boolean): void {
  res.writeHead(200, { ...headers, 'Content-Type': contentType(file), 'Cache-Control': 'no-cache' });
  if (head) {
    res.end();
    return;
  }
  const stream = createReadStream(file);
  stream.on('error', () => res.destroy());
  stream.pipe(res);
}

/** Shown when renderer/dist does not exist: no script, no inline style (the CSP forbids both). */
export const PLACEHOLDER_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Labvisor</title></head>
<body>
<h1>Labvisor is running</h1>
<p>The lab player (the React UI in <code>renderer/</code>) is not built in this copy, so there is nothing to show here yet.</p>
<p>The API answers on the WebSocket at <code>/ws</code> of this address (JSON requests such as
<code>{"id":1,"method":"listLabs"}</code>); the command line runs labs meanwhile: <code>labvisor run volume-backup</code>.</p>
</body>
</html>
`;
