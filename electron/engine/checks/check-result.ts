// The outcome of a step's check, in the words the learner sees: its shape is the API's
// (shared/api-types.ts); here, how scripts' output becomes its messages.
import type { CheckResult } from '../../shared/api.js';

export type { CheckResult };

/** Lines a check script prints as `FAIL: …` are its message to the learner. */
export function failLines(output: string): string[] {
  return output.split(/\r?\n/).filter((l) => l.startsWith('FAIL:')).map((l) => l.slice(5).trim()).filter(Boolean);
}

/** The last few lines of a script's output, for when it failed without saying why. */
export function tail(output: string, lines = 5): string {
  return output.trimEnd().split(/\r?\n/).slice(-lines).join('\n');
}
