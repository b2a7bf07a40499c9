// `labvisor lint PATH… [--json]`: every lab at or below the paths, every error with its
// file:line:col. Results on stdout (`lint labs | less`), the summary too.
import { readdir, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadLab } from '../../engine/labs/load.js';
import { formatDiagnostic, LabFormatError, type Diagnostic } from '../../engine/labs/diagnostics.js';
import { out, printJson, say, UsageError } from '../output.js';

/** Folders never searched for labs: tools' caches and build output, not lab sources. */
const SKIP = new Set(['node_modules', 'dist', 'build', 'out', 'coverage']);
const MAX_DEPTH = 8;

/** `target` when it is a lab folder (or its lab.yaml), else the lab folders below it (not below a lab folder), sorted. */
export async function findLabsBelow(target: string): Promise<string[]> {
  const given = resolve(target);
  const root = basename(given) === 'lab.yaml' ? dirname(given) : given; // `lint labs/x/lab.yaml` too
  const info = await stat(root).catch(() => undefined);
  if (!info?.isDirectory()) throw new Error(`${target}: no such folder`);
  const found: string[] = [];
  const walk = async (dir: string, depth: number): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
    if (entries.some((e) => e.name === 'lab.yaml' && e.isFile())) {
      found.push(dir);
      return;
    }
    if (depth >= MAX_DEPTH) return;
    for (const e of entries.sort((a, b) => a.name.localeCompare(b.name))) {
      if (e.isDirectory() && !e.name.startsWith('.') && !SKIP.has(e.name)) await walk(join(dir, e.name), depth + 1);
    }
  };
  await walk(root, 0);
  if (!found.length) throw new Error(`no lab.yaml found at or below ${target}`);
  return found;
}

/** One lab of `lint --json` (docs/cli.md). */
interface LintLab { dir: string; id: string | null; ok: boolean; errors: Diagnostic[]; needsTrust: Diagnostic[] }

export async function lint(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } });
  if (!positionals.length) throw new UsageError('lint needs at least one path: labvisor lint labs');
  const labs: LintLab[] = [];
  const missing: string[] = [];
  for (const target of positionals) {
    let dirs: string[];
    try {
      dirs = await findLabsBelow(target);
    } catch (err) {
      missing.push((err as Error).message);
      say(`labvisor: ${(err as Error).message}`);
      continue;
    }
    for (const dir of dirs) {
      try {
        const { lab, trustReasons } = await loadLab(dir);
        labs.push({ dir, id: lab.id, ok: true, errors: [], needsTrust: trustReasons });
        if (values.json) continue;
        out(`ok   ${lab.id} (${dir})`);
        // Not errors: what a learner will be asked to trust before it runs.
        for (const r of trustReasons) out(`     needs trust: ${formatDiagnostic(r)}`);
      } catch (err) {
        if (!(err instanceof LabFormatError)) throw err;
        labs.push({ dir, id: null, ok: false, errors: err.diagnostics, needsTrust: [] });
        if (!values.json) out(err.message);
      }
    }
  }
  const failed = labs.filter((l) => !l.ok).length;
  if (values.json) printJson({ ok: !failed && !missing.length, checked: labs.length, failed, labs, notFound: missing });
  else out(`${labs.length} lab(s) checked, ${failed} with errors`);
  return failed || missing.length ? 1 : 0;
}
