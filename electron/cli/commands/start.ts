// `npm start` / `labvisor start`. The desktop window (Electron) and `labvisor serve` come with
// the terminals and player work; until then, start shows what this machine can run and how.
import { findLabDirs, loadLab } from '../../engine/labs/load.js';
import { bundledLabsDir } from '../../engine/paths.js';
import { say } from '../output.js';
import { doctor } from './doctor.js';

export async function start(): Promise<number> {
  say('Labvisor — this build has the lab engine and its command line; the desktop window is not built yet.\n');
  const code = await doctor([]);
  say('\nBundled labs:');
  for (const dir of await findLabDirs(bundledLabsDir())) {
    const { lab } = await loadLab(dir);
    say(`  ${lab.id.padEnd(18)} ${lab.title} (${lab.duration} min, ${lab.difficulty})`);
  }
  say('\nRun one:   labvisor run volume-backup          (Ctrl-C stops it and removes everything)');
  say('Prove it:  labvisor run volume-backup --solve');
  return code;
}
