// The outcome of a step's check, in the words the learner sees.

export interface CheckResult {
  ok: boolean;
  /** What to tell the learner: the FAIL: lines of scripts, or what a probe found. */
  messages: string[];
}

/** Lines a check script prints as `FAIL: …` are its message to the learner. */
export function failLines(output: string): string[] {
  return output.split(/\r?\n/).filter((l) => l.startsWith('FAIL:')).map((l) => l.slice(5).trim()).filter(Boolean);
}

/** The last few lines of a script's output, for when it failed without saying why. */
export function tail(output: string, lines = 5): string {
  return output.trimEnd().split(/\r?\n/).slice(-lines).join('\n');
}
