// One `labvisor serve` for a soak: started as a person starts it (the CLI), with a data dir and a
// TMPDIR of its own, so what it leaves behind there is its own and can be counted.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstStdoutLine, startCli } from '../integration/support.js';
import { stopServing, type Served } from '../integration/ws-client.js';

export interface SoakServer extends Served { pid: number; dataDir: string; tmpDir: string }

/** Private folders for one or more servers (two servers of one user share them). */
export function privateDirs(tag: string): { base: string; dataDir: string; tmpDir: string; remove(): void } {
  const base = mkdtempSync(join(tmpdir(), `labvisor-soak-${tag}-`));
  const dirs = { base, dataDir: join(base, 'data'), tmpDir: join(base, 'tmp') };
  mkdirSync(dirs.dataDir);
  mkdirSync(dirs.tmpDir);
  return { ...dirs, remove: () => rmSync(base, { recursive: true, force: true }) };
}

export async function startServer(dirs: { dataDir: string; tmpDir: string }): Promise<SoakServer> {
  const child = startCli(['serve', '--port', '0'], { LABVISOR_DATA_DIR: dirs.dataDir, TMPDIR: dirs.tmpDir });
  const line = await firstStdoutLine(child, 60_000);
  const url = new URL(line);
  if (!child.pid || url.hash.slice(0, 7) !== '#token=') throw new Error(`labvisor serve printed no URL with a token: ${line}`);
  return {
    child, url, port: Number(url.port), token: url.hash.slice('#token='.length), origin: `http://127.0.0.1:${url.port}`,
    pid: child.pid, ...dirs,
  };
}

export { stopServing };
