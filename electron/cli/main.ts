// The `labvisor` command: one small module per subcommand under commands/, each one's help in
// help.ts. Conventions (docs/cli.md): results on stdout, progress and logs on stderr, usage errors
// exit 2, `--json` carries a schemaVersion.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../engine/paths.js';
import { commandHelp, globalHelp, HELP } from './help.js';
import { didYouMean, out, report, say, UsageError } from './output.js';

type Command = (args: string[]) => Promise<number>;

/** Each command's module is loaded when it runs: `serve` should not wait for `lint` to load. */
const lazy = <K extends string>(module: () => Promise<Record<K, Command>>, name: K): Command =>
  async (args) => (await module())[name](args);

const COMMANDS: Record<string, Command> = {
  start: lazy(() => import('./commands/start.js'), 'start'),
  ls: lazy(() => import('./commands/ls.js'), 'ls'),
  ps: lazy(() => import('./commands/ps.js'), 'ps'),
  doctor: lazy(() => import('./commands/doctor.js'), 'doctor'),
  lint: lazy(() => import('./commands/lint.js'), 'lint'),
  run: lazy(() => import('./commands/run.js'), 'run'),
  test: lazy(() => import('./commands/test.js'), 'test'),
  new: lazy(() => import('./commands/new.js'), 'newLab'),
  stop: lazy(() => import('./commands/stop.js'), 'stop'),
  gc: lazy(() => import('./commands/gc.js'), 'gcCommand'),
  serve: lazy(() => import('./commands/serve.js'), 'serve'),
  lens: lazy(() => import('./commands/lens.js'), 'lens'),
  bundle: lazy(() => import('./commands/bundle.js'), 'bundle'),
  schema: lazy(() => import('./commands/schema.js'), 'schema'),
  completion: lazy(() => import('./commands/completion.js'), 'completion'),
};

function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

/** Help asked for: on stdout, exit 0 (it is what was asked for, so `| less` works). */
function helpFor(name: string | undefined): number {
  if (name === undefined) out(globalHelp());
  else if (HELP[name]) out(commandHelp(name));
  else return unknownCommand(name);
  return 0;
}

function unknownCommand(name: string): number {
  say(`labvisor: unknown command "${name}"${didYouMean(name, Object.keys(HELP))}`);
  say('Run `labvisor --help` for the list of commands.');
  return 2;
}

/** `--help`/`-h` among a command's own words (before a `--`). */
const asksHelp = (args: string[]): boolean => {
  const end = args.indexOf('--');
  return (end < 0 ? args : args.slice(0, end)).some((a) => a === '--help' || a === '-h');
};

/** The reader went away (`labvisor lint labs | head`): stop quietly, as a program killed by SIGPIPE would. */
function quietOnClosedPipe(): void {
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(128 + 13);
  });
}

export async function main(argv: string[]): Promise<number> {
  quietOnClosedPipe();
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h') return helpFor(undefined);
  if (name === '--version' || name === '-v') {
    out(version());
    return 0;
  }
  if (name === 'help') return helpFor(asksHelp(args) ? 'help' : args[0]);
  const command = COMMANDS[name];
  if (!command) return unknownCommand(name);
  if (asksHelp(args)) return helpFor(name);
  try {
    return await command(args);
  } catch (err) {
    // node:util parseArgs's errors (unknown option, missing value) are usage errors too.
    const parseError = String((err as { code?: unknown }).code).startsWith('ERR_PARSE_ARGS');
    if (err instanceof UsageError || parseError) return report(new UsageError(`${(err as Error).message}\nRun \`labvisor ${name} --help\` for its usage.`));
    return report(err);
  }
}
