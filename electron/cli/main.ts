// The `labvisor` command: one small module per subcommand under commands/.
import { report, say, UsageError } from './output.js';

type Command = (args: string[]) => Promise<number>;

/** Each command's module is loaded when it runs: `serve` should not wait for `lint` to load. */
const lazy = <K extends string>(module: () => Promise<Record<K, Command>>, name: K): Command =>
  async (args) => (await module())[name](args);

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  start: { run: lazy(() => import('./commands/start.js'), 'start'), summary: 'start the app: its window (Electron), or `serve --open` when Electron is not installed' },
  doctor: { run: lazy(() => import('./commands/doctor.js'), 'doctor'), summary: 'check the Docker engine, QEMU, guest kernel and base image [--json]' },
  lint: { run: lazy(() => import('./commands/lint.js'), 'lint'), summary: 'validate lab folders: labvisor lint PATH…' },
  run: { run: lazy(() => import('./commands/run.js'), 'run'), summary: 'start a lab: labvisor run LAB [--solve | --to STEP] [--json] [--keep] [--trust]' },
  test: { run: lazy(() => import('./commands/test.js'), 'test'), summary: 'prove a lab works, step by step (check fails, solve, check passes): labvisor test LAB [--keep] [--json] [--trust]' },
  new: { run: lazy(() => import('./commands/new.js'), 'newLab'), summary: 'scaffold a lab that passes lint and test: labvisor new ID [--dir PATH]' },
  stop: { run: lazy(() => import('./commands/stop.js'), 'stop'), summary: 'stop a kept session and remove everything it made: labvisor stop SESSION' },
  gc: { run: lazy(() => import('./commands/gc.js'), 'gcCommand'), summary: 'remove what dead sessions left behind [--dry-run] [--all] [--images] [--json]' },
  serve: { run: lazy(() => import('./commands/serve.js'), 'serve'), summary: 'serve the app on 127.0.0.1 for a browser: labvisor serve [--port N] [--open]' },
  lens: { run: lazy(() => import('./commands/lens.js'), 'lens'), summary: 'what the kernel sees: labvisor lens processes|kernels|footprint [--json] [--session ID]' },
  bundle: { run: lazy(() => import('./commands/bundle.js'), 'bundle'), summary: 'offline workshop bundle: labvisor bundle create FILE [--labs ID…] | load FILE | inspect FILE [--json]' },
  schema: { run: lazy(() => import('./commands/schema.js'), 'schema'), summary: 'print the JSON Schema of lab.yaml' },
};

function help(): number {
  say('labvisor — guided labs with real containers and VMs side by side\n\nUsage: labvisor COMMAND [options]\n');
  for (const [name, c] of Object.entries(COMMANDS)) say(`  ${name.padEnd(8)} ${c.summary}`);
  return 0;
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...args] = argv;
  if (!name || name === 'help' || name === '--help' || name === '-h') return help();
  const command = COMMANDS[name];
  if (!command) {
    say(`labvisor: unknown command "${name}"`);
    help();
    return 2;
  }
  try {
    return await command.run(args);
  } catch (err) {
    return report(err instanceof TypeError && /parseArgs|Unknown option|Unexpected argument/i.test(err.message) ? new UsageError(err.message) : err);
  }
}
