// Where a command is on PATH, without spawning a shell.
import { constants } from 'node:fs';
import { access } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

export async function onPath(cmd: string): Promise<string | undefined> {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const full = join(dir, process.platform === 'win32' ? `${cmd}.exe` : cmd);
    if (await access(full, constants.X_OK).then(() => true, () => false)) return full;
  }
  return undefined;
}
