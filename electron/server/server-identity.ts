// Who this server is to a page that outlives it. A page keeps its token across a dropped
// connection, but a restarted `labvisor serve` used to make a new token, so the open page could
// never reconnect. With a fixed port (`serve --port N`) the token is kept in a file of the data
// folder, readable by this user only (0600), and the next server on that port takes it again: the
// page reconnects and is told the server restarted (by `boot`, which each process makes anew).
// `--port 0` (a free port each time) keeps nothing: no page can find that server again anyway.
// Why keeping it is no new exposure: docs/security.md, "A restarted server keeps its token".
import { randomUUID } from 'node:crypto';
import { chmod, mkdir, open, readFile, rename, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { dataDir } from '../engine/paths.js';
import { newToken } from './auth.js';

/** This process's boot id: a page that hears another one knows the server restarted. */
export const SERVER_BOOT = randomUUID();

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export const keptTokenFile = (port: number, dir = dataDir()): string => join(dir, `serve-token-${port}`);

/**
 * The token kept for `port`: the file's if it holds one and only this user may read it, else a
 * new one written there (0600, atomically). A file others may read is not trusted: a new token.
 */
export async function keptToken(port: number, dir = dataDir()): Promise<string> {
  const file = keptTokenFile(port, dir);
  const mode = await stat(file).then((s) => s.mode & 0o777, () => undefined);
  if (mode !== undefined && (mode & 0o077) === 0 || process.platform === 'win32') {
    const kept = (await readFile(file, 'utf8').catch(() => '')).trim();
    if (TOKEN_SHAPE.test(kept)) return kept;
  }
  const token = newToken();
  await mkdir(dir, { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const handle = await open(tmp, 'w', 0o600);
  try {
    await handle.writeFile(`${token}\n`);
  } finally {
    await handle.close();
  }
  await chmod(tmp, 0o600); // the umask may have narrowed it further; never wider
  await rename(tmp, file);
  return token;
}
