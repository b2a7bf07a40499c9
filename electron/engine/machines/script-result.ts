// What running a script in a machine gives back, and the output cap every runner applies.
import { engineErrorInWords, engineMessage, isDockerError } from '../engine-error-words.js';

export interface ScriptResult {
  exitCode: number;
  /** stdout and stderr interleaved as they came, capped. */
  output: string;
  timedOut: boolean;
  truncated: boolean;
  /** The script did not run: the output says which machine and why (cannotRun). */
  notRun?: true;
}

export interface ScriptOptions {
  timeoutMs: number;
  env?: Record<string, string>;
  /** Bytes of output kept; the rest is dropped and `truncated` set. */
  maxOutput?: number;
}

export const DEFAULT_MAX_OUTPUT = 64 * 1024;

/** Collects output up to a cap without ever holding more than the cap. */
export class CappedOutput {
  private chunks: Buffer[] = [];
  private size = 0;
  truncated = false;
  constructor(private readonly cap: number) {}

  push(chunk: Buffer): void {
    const room = this.cap - this.size;
    if (room <= 0) {
      this.truncated ||= chunk.length > 0;
      return;
    }
    const kept = chunk.length > room ? chunk.subarray(0, room) : chunk;
    if (kept !== chunk) this.truncated = true;
    this.chunks.push(Buffer.from(kept));
    this.size += kept.length;
  }

  text(): string {
    return Buffer.concat(this.chunks).toString('utf8');
  }
}

/** A script that could not run at all: the machine is missing, stopped or unreachable. */
export function cannotRun(machine: string, why: string): ScriptResult {
  return { exitCode: 125, output: `machine "${machine}" ${why}`, timedOut: false, truncated: false, notRun: true };
}

/**
 * A script that could not start in a container because the engine refused (a learner's
 * `docker stop`): the refusal in words (engine-error-words.ts), not dockerode's
 * "(HTTP code 409) …". Not logged: a polled check would write it every second.
 */
export function cannotRunIn(machine: string, container: string, err: Error): ScriptResult {
  const words = engineErrorInWords(err, { machine, container });
  if (words) return { ...cannotRun(machine, ''), output: words };
  return cannotRun(machine, `cannot run commands: ${isDockerError(err) ? engineMessage(err) : err.message}`);
}

