// How commands talk: JSON on stdout when asked, words on stderr, and every error turned into
// its one clear message instead of a stack trace (error-words.ts; the unforeseen ones' details
// go to a log file that the line names).
import { LabFormatError } from '../engine/labs/diagnostics.js';
import { BaseImageUnavailableError, BootTimeout, EngineUnreachableError, ErrorInWords, ImageBuildError, TrustRequiredError } from '../engine/errors.js';
import { errorInWords } from '../engine/error-words.js';
import { stackWhenDebugging } from '../engine/error-log.js';

export const say = (line = ''): void => { process.stderr.write(`${line}\n`); };
export const printJson = (value: unknown): void => { process.stdout.write(`${JSON.stringify(value, null, 2)}\n`); };

export class UsageError extends Error {}

const KNOWN = [LabFormatError, EngineUnreachableError, BaseImageUnavailableError, TrustRequiredError, ImageBuildError, BootTimeout, ErrorInWords, UsageError];

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
