// `labvisor lint PATH…`: every lab under the paths, every error with its file:line:col.
import { parseArgs } from 'node:util';
import { findLabDirs, loadLab } from '../../engine/labs/load.js';
import { formatDiagnostic, LabFormatError } from '../../engine/labs/diagnostics.js';
import { say, UsageError } from '../output.js';

export async function lint(args: string[]): Promise<number> {
  const { positionals } = parseArgs({ args, allowPositionals: true, options: {} });
  if (!positionals.length) throw new UsageError('lint needs at least one path: labvisor lint labs');
  let failed = 0;
  let checked = 0;
  for (const target of positionals) {
    let dirs: string[];
    try {
      dirs = await findLabDirs(target);
    } catch (err) {
      say((err as Error).message);
      failed++;
      continue;
    }
    for (const dir of dirs) {
      checked++;
      try {
        const { lab, trustReasons } = await loadLab(dir);
        say(`ok   ${lab.id} (${dir})`);
        // Not errors: what a learner will be asked to trust before it runs.
        for (const r of trustReasons) say(`     needs trust: ${formatDiagnostic(r)}`);
      } catch (err) {
        if (!(err instanceof LabFormatError)) throw err;
        failed++;
        say(err.message);
      }
    }
  }
  say(`${checked} lab(s) checked, ${failed} with errors`);
  return failed ? 1 : 0;
}
