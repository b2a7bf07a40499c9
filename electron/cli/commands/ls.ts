// `labvisor ls [--json]`: the bundled labs with the learner's progress in each (the same saved
// progress the app shows). Needs no engine.
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { findLabDirs, loadLab } from '../../engine/labs/load.js';
import { readProgress } from '../../engine/learner-progress.js';
import { bundledLabsDir } from '../../engine/paths.js';
import { out, printJson, say, UsageError } from '../output.js';

/** One lab of `ls --json` (docs/cli.md): a stable shape, not the engine's Lab. */
export interface LsLab { id: string; title: string; level: string; minutes: number; steps: number; passed: number; currentStep: string | null }

export async function listBundledLabs(): Promise<LsLab[]> {
  const labs = await Promise.all((await findLabDirs(bundledLabsDir())).map(async (dir) => {
    try {
      const { lab } = await loadLab(dir);
      const progress = await readProgress(lab.id);
      const ids = lab.steps.map((s) => s.id);
      return {
        order: lab.order ?? Infinity,
        row: { id: lab.id, title: lab.title, level: lab.difficulty, minutes: lab.duration, steps: ids.length,
          passed: progress.passed.filter((s) => ids.includes(s)).length, currentStep: progress.currentStep ?? null },
      };
    } catch (err) {
      say(`labvisor: bundled lab ${basename(dir)} does not load: ${(err as Error).message}`);
      return undefined;
    }
  }));
  return labs.filter((l) => l !== undefined).sort((a, b) => a.order - b.order || a.row.id.localeCompare(b.row.id)).map((l) => l.row);
}

const progressWords = (l: LsLab) => (l.passed === l.steps ? 'done' : l.passed || l.currentStep ? `${l.passed}/${l.steps} steps` : '-');

export async function ls(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (positionals.length) throw new UsageError(`unexpected ${positionals.join(' ')}\nusage: labvisor ls [--json]`);
  const labs = await listBundledLabs();
  if (values.json) {
    printJson({ labs });
    return 0;
  }
  const idWidth = Math.max(2, ...labs.map((l) => l.id.length));
  const titleWidth = Math.max(5, ...labs.map((l) => l.title.length));
  out(`${'ID'.padEnd(idWidth)}  ${'TITLE'.padEnd(titleWidth)}  ${'LEVEL'.padEnd(12)}  ${'MIN'.padStart(3)}  PROGRESS`);
  for (const l of labs) out(`${l.id.padEnd(idWidth)}  ${l.title.padEnd(titleWidth)}  ${l.level.padEnd(12)}  ${String(l.minutes).padStart(3)}  ${progressWords(l)}`);
  return 0;
}
