// Where the details of an error nobody foresaw go: a log file in the data dir. The learner sees
// one line naming it; whoever fixes the bug reads the stack and the engine's answer there.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { inspect } from 'node:util';
import { dataDir } from './paths.js';

export const errorLogPath = (): string => join(dataDir(), 'logs', 'errors.log');

/** Appends the error's stack and fields (dockerode's statusCode and json, a system error's code) to the log; returns its path, or the reason it could not be written. */
export function logErrorDetails(err: unknown, context: string): { path: string; failed?: string } {
  const path = errorLogPath();
  const details = inspect(err, { depth: 4, breakLength: 120 });
  try {
    mkdirSync(join(dataDir(), 'logs'), { recursive: true });
    appendFileSync(path, `--- ${new Date().toISOString()} ${context}\n${details}\n`);
    return { path };
  } catch (e) {
    return { path, failed: (e as Error).message };
  }
}

/**
 * The stack, on a line of its own, when LABVISOR_DEBUG is set: for whoever debugs Labvisor
 * and wants it where they read (the CLI's stderr, serve's log), not only in the log file.
 */
export function stackWhenDebugging(err: unknown): string {
  return process.env.LABVISOR_DEBUG && err instanceof Error && err.stack ? `\n${err.stack}` : '';
}
