// Any error as the one line a person sees (the CLI's report, the API's error, a failed
// session): engine refusals in words with what to do (engine-error-words.ts); our own errors
// as they are, since their messages are written for people; anything unforeseen as one line
// naming the log file that holds its stack (error-log.ts). One place, so the UI and the CLI
// never show a status code or a stack trace.
import { errorMessage, ErrorInWords, LabvisorError } from './errors.js';
import { engineErrorInWords, engineMessage, isDockerError, type ErrorPlace } from './engine-error-words.js';
import { logErrorDetails } from './error-log.js';

export type { ErrorPlace } from './engine-error-words.js';

/** An engine refusal the caller can name the place of, as an ErrorInWords; any other error unchanged. */
export function explain(err: unknown, place: ErrorPlace): unknown {
  if (err instanceof ErrorInWords) return err;
  const words = engineErrorInWords(err, place);
  return words ? new ErrorInWords(words, err) : err;
}

/**
 * Not written for a person: the engine's answers we have no words for, bugs (TypeError…),
 * system errors (ECONNRESET, EACCES: a `code`) and anything thrown that is not an Error.
 */
export function isUnforeseen(err: unknown): boolean {
  if (!(err instanceof Error)) return true;
  if (err instanceof LabvisorError) return false; // its `code` is ours, not a system error's
  if (isDockerError(err)) return true;
  if (err instanceof TypeError || err instanceof RangeError || err instanceof ReferenceError || err instanceof SyntaxError) return true;
  return typeof (err as { code?: unknown }).code === 'string';
}

const firstLine = (s: string) => s.split('\n').find((l) => l.trim())?.trim() ?? '';

/** The one line to show for `err`; an unforeseen error's details go to the log first. `context` says in the log what was being done. */
export function errorInWords(err: unknown, context = 'labvisor', place: ErrorPlace = {}): string {
  const known = engineErrorInWords(err, place);
  if (known) return known;
  if (!isUnforeseen(err)) return errorMessage(err);
  const what = isDockerError(err)
    ? `the Docker engine refused: ${firstLine(engineMessage(err))}`
    : `unexpected error: ${firstLine(errorMessage(err)) || (err as Error)?.name || 'no message'}`;
  const log = logErrorDetails(err, context);
  return log.failed
    ? `${what} (its details could not be written to ${log.path}: ${log.failed})`
    : `${what} (details in ${log.path})`;
}
