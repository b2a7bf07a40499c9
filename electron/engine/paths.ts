// Where Labvisor keeps its state: LABVISOR_DATA_DIR, else the platform's user data folder.
import { homedir } from 'node:os';
import { join, dirname } from 'node:path';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export function dataDir(): string {
  const override = process.env.LABVISOR_DATA_DIR;
  if (override) return override;
  switch (process.platform) {
    case 'darwin': return join(homedir(), 'Library', 'Application Support', 'Labvisor');
    case 'win32': return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Labvisor');
    default: return join(process.env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'labvisor');
  }
}

/** The package root (where package.json is), found from this compiled file. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('labvisor: cannot find the package root');
    dir = up;
  }
  return dir;
}

/** The labs that ship with the app; these are trusted. */
export function bundledLabsDir(): string {
  return join(packageRoot(), 'labs');
}
