// What a lab's Dockerfiles may ask of a build, read before anything is built: which images they
// start FROM and whether they fetch from the network. A build runs FROM labvisor/base, `scratch`,
// an earlier stage or an image the lab names under `build.from`; `ADD <url>` needs the network,
// which the lab must declare (`build.network: true`), because a build runs without one otherwise.
import type { Diagnostic } from './diagnostics.js';

/** Names a Dockerfile may start FROM without the lab declaring it. */
const ALWAYS_ALLOWED = new Set(['labvisor/base', 'labvisor/base:latest', 'scratch']);

export interface Instruction { line: number; keyword: string; args: string }

/**
 * The instructions of a Dockerfile, continuation lines joined, comments and blank lines dropped,
 * each at the line where it starts. Enough for the rules below; the engine parses it for real.
 */
export function dockerfileInstructions(text: string): Instruction[] {
  const out: Instruction[] = [];
  const lines = text.split(/\r?\n/);
  let i = 0;
  while (i < lines.length) {
    const start = i;
    let joined = lines[i]!;
    if (/^\s*(#|$)/.test(joined)) { i++; continue; }
    while (/\\\s*$/.test(joined) && i + 1 < lines.length) {
      i++;
      const next = lines[i]!;
      if (/^\s*#/.test(next)) continue; // comments inside a continued instruction are dropped
      joined = joined.replace(/\\\s*$/, ' ') + next;
    }
    i++;
    const m = /^\s*([A-Za-z]+)\s*(.*)$/.exec(joined);
    if (m) out.push({ line: start + 1, keyword: m[1]!.toUpperCase(), args: m[2]!.trim() });
  }
  return out;
}

export interface DockerfileReview {
  /** Lint errors: the lab does not load. */
  errors: Diagnostic[];
  /** The images named under build.from that this Dockerfile starts FROM, at their lines. */
  foreignFrom: Array<{ image: string; line: number }>;
}

/** Checks one image's Dockerfile against what the lab declared. */
export function reviewDockerfile(
  file: string, text: string, declared: { network: boolean; from: readonly string[] },
): DockerfileReview {
  const errors: Diagnostic[] = [];
  const foreignFrom: DockerfileReview['foreignFrom'] = [];
  const stages = new Set<string>();
  const error = (line: number, message: string) => errors.push({ file, line, col: 1, message });
  for (const ins of dockerfileInstructions(text)) {
    const words = ins.args.split(/\s+/).filter(Boolean);
    const flags = words.filter((w) => w.startsWith('--'));
    const plain = words.filter((w) => !w.startsWith('--'));
    if (ins.keyword === 'FROM') {
      const image = plain[0] ?? '';
      if (plain.length >= 3 && plain[1]!.toUpperCase() === 'AS') stages.add(plain[2]!.toLowerCase());
      if (image.includes('$')) error(ins.line, `FROM ${image}: name the image, not a variable (the image a build starts from is checked before it runs)`);
      else if (stages.has(image.toLowerCase()) || ALWAYS_ALLOWED.has(image)) { /* allowed */ } else if (declared.from.includes(image)) foreignFrom.push({ image, line: ins.line });
      else error(ins.line, `FROM ${image}: a lab image builds FROM labvisor/base, an earlier stage, or an image listed under build.from in lab.yaml`);
    }
    if ((ins.keyword === 'ADD') && !declared.network) {
      const url = plain.slice(0, -1).find((w) => /^(https?|git|ssh):\/\/|^git@/i.test(w));
      if (url) error(ins.line, `ADD ${url} fetches from the network, and builds run without one: declare build.network: true in lab.yaml (the learner will be asked to trust the lab)`);
    }
    if (ins.keyword === 'RUN' && !declared.network && flags.some((f) => /^--network=(host|default)$/i.test(f))) {
      error(ins.line, `RUN ${flags.join(' ')}: builds run without a network unless lab.yaml declares build.network: true`);
    }
  }
  return { errors, foreignFrom };
}
