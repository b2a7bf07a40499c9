// How commands talk: results on stdout (JSON when asked), progress and logs on stderr, and every error turned into
// its one clear message instead of a stack trace (error-words.ts; the unforeseen ones' details
// go to a log file that the line names).
import { nearest } from '../engine/did-you-mean.js';
import { LabFormatError } from '../engine/labs/diagnostics.js';
import { ImageBuildError, LabvisorError } from '../engine/errors.js';
import { errorInWords } from '../engine/error-words.js';
import { stackWhenDebugging } from '../engine/error-log.js';

/** Progress, logs and messages for a person watching: stderr. */
export const say = (line = ''): void => { process.stderr.write(`${line}\n`); };
/** A command's result (what `| grep` and `| less` should see): stdout. */
export const out = (line = ''): void => { process.stdout.write(`${line}\n`); };

/** The version of every `--json` shape (docs/cli.md); raised only when a shape changes incompatibly. */
export const SCHEMA_VERSION = 1;
/** A command's `--json` result: its stable shape, with the schema version first. */
export const printJson = (value: object): void => {
  process.stdout.write(`${JSON.stringify({ schemaVersion: SCHEMA_VERSION, ...value }, null, 2)}\n`);
};

export class UsageError extends Error {}

/** ` (did you mean "run"?)` for a mistyped word, or '' when nothing is close. */
export function didYouMean(word: string, known: readonly string[]): string {
  const guess = nearest(word, known);
  return guess === undefined ? '' : ` (did you mean "${guess}"?)`;
}

// Written for people as they are (a LabvisorError's message carries its Fix line).
const KNOWN = [LabFormatError, LabvisorError, UsageError];

/** Prints an error for a person; returns the exit code (2 for usage errors, else 1). */
export function report(err: unknown): number {
  if (KNOWN.some((k) => err instanceof k)) {
    say(`labvisor: ${(err as Error).message}`);
    if (err instanceof ImageBuildError && err.log) say(`build output (last lines):\n${err.log.split('\n').slice(-15).join('\n')}`);
    return err instanceof UsageError ? 2 : 1;
  }
  say(`labvisor: ${errorInWords(err, `labvisor ${process.argv.slice(2).join(' ')}`)}${stackWhenDebugging(err)}`);
  return 1;
}
