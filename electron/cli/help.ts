// Each command's help: what it does, its usage, its options and examples, as `labvisor CMD
// --help`, `labvisor CMD -h` and `labvisor help CMD` print it. The completion scripts read the
// command names and options from here too, so help and completion cannot disagree.

export interface CommandHelp {
  summary: string;
  usage: string[];
  /** Flag (with its value's name) → what it does. */
  options: [string, string][];
  examples: string[];
}

const JSON_OPT: [string, string] = ['--json', 'print the result as JSON on stdout (schemaVersion 1, docs/cli.md)'];

export const HELP: Record<string, CommandHelp> = {
  start: {
    summary: 'start the app: its window (Electron), or `serve --open` when Electron cannot run',
    usage: ['labvisor start'], options: [], examples: ['labvisor start', 'LABVISOR_NO_ELECTRON=1 labvisor start   # the app in your browser'],
  },
  ls: {
    summary: 'list the bundled labs with your progress in each',
    usage: ['labvisor ls [--json]'], options: [JSON_OPT], examples: ['labvisor ls', 'labvisor ls --json | jq -r \'.labs[].id\''],
  },
  ps: {
    summary: 'list lab sessions: id, lab, age, machines, whether their owner still runs',
    usage: ['labvisor ps [--json]'], options: [JSON_OPT], examples: ['labvisor ps', 'labvisor ps --json | jq -r \'.sessions[] | select(.kept) | .id\''],
  },
  doctor: {
    summary: 'check the Docker engine, QEMU, guest kernel and base image (runs a short-lived helper container on the engine)',
    usage: ['labvisor doctor [--json]'], options: [JSON_OPT], examples: ['labvisor doctor', 'labvisor doctor | grep FAIL'],
  },
  lint: {
    summary: 'validate lab folders: each PATH is a lab folder or a folder of labs, searched below',
    usage: ['labvisor lint PATH… [--json]'], options: [JSON_OPT], examples: ['labvisor lint labs', 'labvisor lint .', 'labvisor lint labs/my-lab --json'],
  },
  run: {
    summary: 'start a lab (a bundled lab id or a folder) and keep it running until Ctrl-C',
    usage: ['labvisor run LAB [--solve | --to STEP] [--json] [--keep] [--trust]'],
    options: [
      ['--solve', 'run every step\'s solution and check, then stop (proves the lab works)'],
      ['--to STEP', 'catch up to STEP: solve and check each earlier step, then leave the lab there'],
      ['--keep', 'leave the session running after the command exits (stop it with labvisor stop)'],
      ['--trust', 'allow what a lab folder asks to be trusted with (bundled labs are trusted)'],
      JSON_OPT,
    ],
    examples: ['labvisor run first-steps', 'labvisor run first-steps --solve --json', 'labvisor run ./my-lab --to step-3 --keep'],
  },
  test: {
    summary: 'prove a lab works, step by step: check fails, solution runs, check passes',
    usage: ['labvisor test LAB [--keep] [--json] [--trust]'],
    options: [['--keep', 'leave the session running afterwards'], ['--trust', 'allow what a lab folder asks to be trusted with'], JSON_OPT],
    examples: ['labvisor test labs/my-lab', 'labvisor test first-steps --json'],
  },
  new: {
    summary: 'scaffold a lab that passes lint and test as it is',
    usage: ['labvisor new ID [--dir PATH]'], options: [['--dir PATH', 'the folder to create the lab in (default: labs)']],
    examples: ['labvisor new disk-quota-101', 'labvisor new my-lab --dir ~/labs'],
  },
  stop: {
    summary: 'stop a kept session and remove everything it made',
    usage: ['labvisor stop SESSION…'], options: [], examples: ['labvisor ps', 'labvisor stop k3x9p2ab'],
  },
  gc: {
    summary: 'remove what dead sessions left behind',
    usage: ['labvisor gc [--dry-run] [--all] [--images] [--json]'],
    options: [
      ['--dry-run', 'say what would be removed, remove nothing'],
      ['--all', 'also live sessions and those of other hosts'],
      ['--images', 'also lab images no container uses (a cache, kept by default)'],
      JSON_OPT,
    ],
    examples: ['labvisor gc --dry-run', 'labvisor gc --images'],
  },
  serve: {
    summary: 'serve the app on 127.0.0.1 for a browser; the first stdout line is its URL',
    usage: ['labvisor serve [--port N] [--open]'],
    options: [['--port N', 'the port (default 0: a free one)'], ['--open', 'open the app in the default browser']],
    examples: ['labvisor serve --open', 'labvisor serve --port 8080'],
  },
  lens: {
    summary: 'what the kernel and the engine see of the live sessions: processes, kernels, memory footprint, images, volumes',
    usage: ['labvisor lens processes|kernels|footprint [--json] [--session ID]', 'labvisor lens images SESSION [--json]', 'labvisor lens volumes SESSION [VOLUME] [--json]'],
    options: [['--session ID', 'only this session (processes, kernels, footprint)'], JSON_OPT],
    examples: [
      'labvisor lens kernels', 'labvisor lens processes --session k3x9p2ab --json',
      'labvisor lens images k3x9p2ab', 'labvisor lens volumes k3x9p2ab records',
      'labvisor lens volumes k3x9p2ab --json | jq \'.volumes[].totalBytes\'',
    ],
  },
  bundle: {
    summary: 'the offline workshop bundle: create, load, inspect',
    usage: ['labvisor bundle create FILE [--labs ID…] [--platform linux/amd64,…] [--json]', 'labvisor bundle load FILE [--json]', 'labvisor bundle inspect FILE [--json]'],
    options: [['--labs ID…', 'only these labs (default: every bundled lab)'], ['--platform P,…', 'the platforms to include'], JSON_OPT],
    examples: ['labvisor bundle create workshop.lvb --labs first-steps', 'labvisor bundle inspect workshop.lvb', 'labvisor bundle load workshop.lvb'],
  },
  schema: {
    summary: 'print the JSON Schema of lab.yaml',
    usage: ['labvisor schema'], options: [], examples: ['labvisor schema > lab.schema.json'],
  },
  completion: {
    summary: 'print a shell completion script',
    usage: ['labvisor completion bash|zsh|fish'], options: [],
    examples: ['source <(labvisor completion bash)', 'labvisor completion zsh > "${fpath[1]}/_labvisor"', 'labvisor completion fish > ~/.config/fish/completions/labvisor.fish'],
  },
  help: {
    summary: 'help for labvisor or one command',
    usage: ['labvisor help [COMMAND]'], options: [], examples: ['labvisor help run'],
  },
};

/** The option flags of a command, without their value names: `--to STEP` → `--to`. */
export const flagsOf = (name: string): string[] => (HELP[name]?.options ?? []).map(([flag]) => flag.split(' ')[0]!);

export function commandHelp(name: string): string {
  const h = HELP[name]!;
  const lines = [`labvisor ${name} — ${h.summary}`, '', 'Usage:', ...h.usage.map((u) => `  ${u}`)];
  const options: [string, string][] = [...h.options, ['-h, --help', 'show this help']];
  const width = Math.max(...options.map(([f]) => f.length));
  lines.push('', 'Options:', ...options.map(([f, d]) => `  ${f.padEnd(width)}  ${d}`));
  lines.push('', 'Examples:', ...h.examples.map((e) => `  ${e}`));
  return lines.join('\n');
}

export function globalHelp(): string {
  const width = Math.max(...Object.keys(HELP).map((n) => n.length));
  return ['labvisor — guided labs with real containers and VMs side by side', '',
    'Usage: labvisor COMMAND [options]', '', 'Commands:',
    ...Object.entries(HELP).map(([n, h]) => `  ${n.padEnd(width)}  ${h.summary}`),
    '', 'Options:', '  -h, --help     show help (also: labvisor COMMAND --help, labvisor help COMMAND)', '  -v, --version  print the version',
    '', 'Results go to stdout, progress and logs to stderr. Usage errors exit 2. More: docs/cli.md'].join('\n');
}
