// What a lab's Dockerfiles may ask of a build, read before anything is built: which images they
// start FROM and whether they fetch from the network. A build runs FROM labvisor/base, `scratch`,
// an earlier stage or an image the lab names under `build.from`, and `COPY --from` takes files
// from the same; `ADD <url>` needs the network, which the lab must declare (`build.network: true`):
// the engine fetches a URL or pulls a missing image itself, whatever the build's network.
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
  let stageCount = 0;
  const error = (line: number, message: string) => errors.push({ file, line, col: 1, message });
  /** Whether `image` (FROM's, or COPY --from's) is allowed; a declared foreign one is noted as a trust reason. */
  const checkImage = (ins: Instruction, what: string, image: string): void => {
    if (image.includes('$')) error(ins.line, `${what}: name the image, not a variable (the image a build starts from is checked before it runs)`);
    else if (stages.has(image.toLowerCase()) || ALWAYS_ALLOWED.has(image)) { /* allowed */ } else if (declared.from.includes(image)) foreignFrom.push({ image, line: ins.line });
    else error(ins.line, `${what}: a lab image builds FROM labvisor/base, an earlier stage, or an image listed under build.from in lab.yaml`);
  };
  for (const ins of dockerfileInstructions(text)) {
    const words = ins.args.split(/\s+/).filter(Boolean);
    const flags = words.filter((w) => w.startsWith('--'));
    const plain = words.filter((w) => !w.startsWith('--'));
    if (ins.keyword === 'FROM') {
      checkImage(ins, `FROM ${plain[0] ?? ''}`, plain[0] ?? '');
      if (plain.length >= 3 && plain[1]!.toUpperCase() === 'AS') stages.add(plain[2]!.toLowerCase());
      stageCount++;
    }
    if (ins.keyword === 'COPY') {
      const from = flags.find((f) => /^--from=/i.test(f))?.slice('--from='.length);
      // A stage by its number is an earlier stage too; any other name is an image the engine would pull.
      if (from !== undefined && !(/^\d+$/.test(from) && Number(from) < stageCount)) checkImage(ins, `COPY --from=${from}`, from);
    }
    if ((ins.keyword === 'ADD') && !declared.network) {
      const url = sources(ins.args, plain).find((w) => /^(https?|git|ssh):\/\/|^git@/i.test(w));
      if (url) error(ins.line, `ADD ${url} fetches from the network, and builds run without one: declare build.network: true in lab.yaml (the learner will be asked to trust the lab)`);
    }
    if (ins.keyword === 'RUN' && !declared.network && flags.some((f) => /^--network=(host|default)$/i.test(f))) {
      error(ins.line, `RUN ${flags.join(' ')}: builds run without a network unless lab.yaml declares build.network: true`);
    }
  }
  return { errors, foreignFrom };
}

/** ADD's and COPY's sources: every word but the last, in the plain or the JSON form (`["src", "dest"]`). */
function sources(args: string, plain: string[]): string[] {
  const json = /(\[.*\])\s*$/s.exec(args)?.[1];
  if (json) {
    try {
      const list: unknown = JSON.parse(json);
      if (Array.isArray(list)) return list.slice(0, -1).map(String);
    } catch { /* not JSON: the engine reads it as plain words too */ }
  }
  return plain.slice(0, -1);
}
