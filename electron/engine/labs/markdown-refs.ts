// What a step's markdown refers to, checked at load time so a typo fails `lint` instead of a
// learner: the machine of each runnable block (```sh @app) and the lens a link opens
// ([see it](lens:processes)). Problems are reported at the markdown file's own line and column.
import type { Diagnostic } from './diagnostics.js';

/** The lenses a step can open with a `lens:` link; the lab player shows them. */
export const LENSES = ['processes', 'kernels', 'footprint', 'images', 'volumes'] as const;

const FENCE = /^( {0,3})(`{3,}|~{3,})(.*)$/;
const LENS_LINK = /\]\(lens:([^)\s]*)\)/g;

export function markdownRefProblems(file: string, text: string, machines: readonly string[]): Diagnostic[] {
  const problems: Diagnostic[] = [];
  let open: string | undefined; // the fence that opened the current code block
  text.split(/\r?\n/).forEach((line, i) => {
    const fence = FENCE.exec(line);
    if (open) {
      if (fence && fence[2]![0] === open[0] && fence[2]!.length >= open.length && !fence[3]!.trim()) open = undefined;
      return;
    }
    if (fence) {
      open = fence[2]!;
      const info = fence[3]!;
      for (const m of info.matchAll(/@([^\s]*)/g)) {
        if (!machines.includes(m[1]!)) {
          problems.push({
            file, line: i + 1, col: fence[1]!.length + fence[2]!.length + m.index! + 1,
            message: `runnable block for machine "${m[1]}", but the lab has no such machine; it has: ${machines.join(', ')}`,
          });
        }
      }
      return;
    }
    for (const m of line.matchAll(LENS_LINK)) {
      if (!(LENSES as readonly string[]).includes(m[1]!)) {
        problems.push({ file, line: i + 1, col: m.index! + 3, message: `link to lens "${m[1]}"; the lenses are: ${LENSES.join(', ')}` });
      }
    }
  });
  return problems;
}
