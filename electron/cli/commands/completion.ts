// `labvisor completion bash|zsh|fish`: a completion script for the shell, made from help.ts
// (commands and their options), with bundled lab ids for `run` and `test`, read when completing.
import { HELP, flagsOf } from '../help.js';
import { UsageError } from '../output.js';

const USAGE = 'usage: labvisor completion bash|zsh|fish';
const LAB_COMMANDS = ['run', 'test'];
/** The bundled lab ids, asked of labvisor itself when completing. */
const LABS = 'labvisor ls --json 2>/dev/null | sed -n \'s/^ *"id": "\\(.*\\)",$/\\1/p\'';

function bash(): string {
  const cases = Object.keys(HELP).map((c) => `    ${c}) opts="${[...flagsOf(c), '--help'].join(' ')}";;`).join('\n');
  return `# labvisor completion for bash: source <(labvisor completion bash)
_labvisor() {
  local cur=\${COMP_WORDS[COMP_CWORD]} cmd=\${COMP_WORDS[1]} opts=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=($(compgen -W "${Object.keys(HELP).join(' ')} --help --version" -- "$cur")); return
  fi
  case "$cmd" in
${cases}
  esac
  if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "$opts" -- "$cur")); return; fi
  case "$cmd" in
    ${LAB_COMMANDS.join('|')}) COMPREPLY=($(compgen -W "$(${LABS})" -- "$cur") $(compgen -d -- "$cur"));;
    help) COMPREPLY=($(compgen -W "${Object.keys(HELP).join(' ')}" -- "$cur"));;
    completion) COMPREPLY=($(compgen -W "bash zsh fish" -- "$cur"));;
    *) COMPREPLY=($(compgen -f -- "$cur"));;
  esac
}
complete -F _labvisor labvisor
`;
}

function zsh(): string {
  const commands = Object.entries(HELP).map(([c, h]) => `    '${c}:${h.summary.replace(/'/g, "'\\''")}'`).join('\n');
  const cases = Object.keys(HELP).map((c) => `    ${c}) opts=(${[...flagsOf(c), '--help'].join(' ')});;`).join('\n');
  return `#compdef labvisor
# labvisor completion for zsh: labvisor completion zsh > "\${fpath[1]}/_labvisor"
_labvisor() {
  local -a commands opts
  commands=(
${commands}
  )
  if (( CURRENT == 2 )); then _describe command commands; return; fi
  case $words[2] in
${cases}
  esac
  if [[ $PREFIX == -* ]]; then compadd -- $opts; return; fi
  case $words[2] in
    ${LAB_COMMANDS.join('|')}) compadd -- $(${LABS}); _files -/;;
    help) _describe command commands;;
    completion) compadd bash zsh fish;;
    *) _files;;
  esac
}
# Autoloaded from fpath the file is the function's body; sourced, it registers the function.
if [ "$funcstack[1]" = "_labvisor" ]; then _labvisor "$@"; else compdef _labvisor labvisor; fi
`;
}

function fish(): string {
  const lines = ['# labvisor completion for fish: labvisor completion fish > ~/.config/fish/completions/labvisor.fish',
    'complete -c labvisor -f'];
  for (const [c, h] of Object.entries(HELP)) {
    lines.push(`complete -c labvisor -n __fish_use_subcommand -a ${c} -d '${h.summary.replace(/'/g, '\\\'')}'`);
    for (const flag of flagsOf(c)) lines.push(`complete -c labvisor -n '__fish_seen_subcommand_from ${c}' -l ${flag.replace(/^--/, '')}`);
  }
  lines.push(`complete -c labvisor -n '__fish_seen_subcommand_from ${LAB_COMMANDS.join(' ')}' -a '(${LABS.replace(/'/g, '\\\'')})' -F`);
  lines.push(`complete -c labvisor -n '__fish_seen_subcommand_from help' -a '${Object.keys(HELP).join(' ')}'`);
  lines.push("complete -c labvisor -n '__fish_seen_subcommand_from completion' -a 'bash zsh fish'");
  lines.push('complete -c labvisor -s h -l help -d \'show help\'', 'complete -c labvisor -n __fish_use_subcommand -s v -l version -d \'print the version\'');
  return `${lines.join('\n')}\n`;
}

const SHELLS: Record<string, () => string> = { bash, zsh, fish };

export async function completion(args: string[]): Promise<number> {
  const [shell, ...rest] = args;
  const make = shell ? SHELLS[shell] : undefined;
  if (!make || rest.length) throw new UsageError(shell && !make ? `no completion for "${shell}"\n${USAGE}` : USAGE);
  process.stdout.write(make());
  return 0;
}
