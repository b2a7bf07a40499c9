// `labvisor new ID [--dir PATH]`: scaffolds PATH/ID (PATH defaults to labs) with a lab that
// passes `labvisor lint` and `labvisor test` as it is, so an author starts from something that
// works and changes it one step at a time.
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { Lab } from '../../engine/labs/schema.js';
import { packageRoot } from '../../engine/paths.js';
import { out, UsageError } from '../output.js';
import { scaffoldFiles } from './new-lab-template.js';

const USAGE = 'usage: labvisor new ID [--dir PATH]';

export async function newLab(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { dir: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError(USAGE);
  const id = positionals[0]!;
  // The schema's own rule for names, so `new` never makes a lab that lint refuses.
  const valid = Lab.shape.id.safeParse(id);
  if (!valid.success) throw new UsageError(`"${id}" is not a lab id: ${valid.error.issues[0]?.message ?? 'invalid'}`);

  const target = resolve(values.dir ?? 'labs', id);
  if (existsSync(target)) throw new UsageError(`${target} already exists; pick another id or remove it first`);
  // Relative, so the editor finds the schema wherever the lab lives.
  const schema = relative(target, join(packageRoot(), 'docs', 'lab.schema.json')).split(sep).join('/');

  const files = scaffoldFiles(id, schema);
  await mkdir(resolve(target, '..'), { recursive: true });
  await mkdir(target); // not recursive: fails if another process made it meanwhile
  for (const [path, text] of Object.entries(files)) {
    await mkdir(resolve(target, path, '..'), { recursive: true });
    await writeFile(join(target, path), text, { flag: 'wx' });
  }

  const near = relative(process.cwd(), target);
  const shown = near.startsWith('..') ? target : near;
  out(`Created lab "${id}" in ${shown}:`);
  for (const path of Object.keys(files)) out(`  ${path}`);
  out(`\nNext:\n  labvisor lint ${shown}\n  labvisor test ${shown}     # setup, then per step: check fails, solution, check passes\n  labvisor run ${shown}      # try it as a learner\nWriting labs: docs/writing-labs.md`);
  return 0;
}
