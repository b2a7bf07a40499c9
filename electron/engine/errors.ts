// Errors the engine throws that callers tell apart (the CLI's report, the API's error codes).
// A module of their own, without the engine's dependencies, so those callers stay light.
// Callers tell them apart by class (instanceof) or `code`, never by their text.
import type { Accelerator } from './machines/vm/qemu-args.js';
import { type Diagnostic, formatDiagnostic } from './labs/diagnostics.js';

/** Every LabvisorError's code: one list, so a newcomer sees every kind there is. */
export type LabvisorErrorCode =
  | 'engine-unreachable' | 'engine-settings' | 'trust-required' | 'base-image-unavailable' | 'image-build-failed'
  | 'boot-timeout' | 'no-answer' | 'error-in-words'
  | 'guest-kernel-unavailable' | 'qemu-image-unavailable' | 'docker-host-view-unavailable' | 'guest-base-image-unavailable';

/** The text a person sees: what went wrong, and on a line of its own what to do about it. */
const withFix = (detail: string, fix?: string): string => (fix ? `${detail}\nFix: ${fix}` : detail);

/** The reasons an image could not be made, one `  - ` line each (the …UnavailableErrors list them). */
export const reasonList = (reasons: string[]): string => reasons.map((r) => `  - ${r}`).join('\n');

/**
 * Our own errors, written for people. `detail` says what went wrong; `fix`, when a person can
 * act on it, what to do; `message` is both (`Fix: …` on its own line), so every place that shows
 * an error shows the fix. Code that shows them apart (the doctor) reads the fields.
 */
export class LabvisorError extends Error {
  readonly detail: string;
  readonly fix: string | undefined;

  constructor(readonly code: LabvisorErrorCode, detail: string, opts: { fix?: string; cause?: unknown } = {}) {
    super(withFix(detail, opts.fix), 'cause' in opts ? { cause: opts.cause } : undefined);
    this.detail = detail;
    this.fix = opts.fix;
    this.name = 'LabvisorError';
  }
}

/** Any thrown value as the text a person sees: a LabvisorError's message carries its Fix line. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * The engine does not answer. `Cannot reach the Docker engine at TARGET: REASON.` and a `Fix:`
 * line; `foundBy` (how the engine was found: a docker context…) joins the first line when the
 * address came from somewhere the learner may not think of, `fix` replaces the generic fix.
 * A `{ setting }` reason is EngineSettingsError's: that line is the whole story, with no fix.
 */
export class EngineUnreachableError extends LabvisorError {
  constructor(readonly target: string, reason: string | { setting: string }, opts: { foundBy?: string; fix?: string } = {}) {
    super(...unreachableWords(target, reason, opts));
    this.name = 'EngineUnreachableError';
  }
}

/**
 * Where the engine is cannot even be worked out: a docker context that names a missing socket or
 * does not exist, a bad DOCKER_HOST, TLS files that are not there. One line naming the setting
 * and the fix. A kind of EngineUnreachableError, so every caller that tells that one apart
 * (the CLI's report, the API's `engine` error) tells this one apart too.
 */
export class EngineSettingsError extends EngineUnreachableError {
  constructor(target: string, line: string) {
    super(target, { setting: line });
    this.name = 'EngineSettingsError';
  }
}

function unreachableWords(target: string, reason: string | { setting: string }, opts: { foundBy?: string; fix?: string }): ConstructorParameters<typeof LabvisorError> {
  if (typeof reason !== 'string') return ['engine-settings', reason.setting];
  return ['engine-unreachable', `Cannot reach the Docker engine at ${target}${opts.foundBy ? `, found by ${opts.foundBy}` : ''}: ${reason}.`,
    { fix: opts.fix ?? fixHint(target, reason) }];
}

function fixHint(target: string, reason: string): string {
  if (/EACCES|permission denied/i.test(reason)) {
    return 'add your user to the "docker" group (sudo usermod -aG docker $USER, then log in again), or run as root.';
  }
  if (process.env.DOCKER_HOST) {
    return `start the engine behind DOCKER_HOST=${process.env.DOCKER_HOST}, or unset DOCKER_HOST to use the local engine.`;
  }
  return target.startsWith('unix://')
    ? 'start Docker (sudo systemctl start docker, or open Docker Desktop), or set DOCKER_HOST to a running engine.'
    : 'start Docker Desktop, or set DOCKER_HOST to a running engine.';
}

/** A lab asks for more than the safe default and the user has not trusted it: nothing was started. */
export class TrustRequiredError extends LabvisorError {
  constructor(readonly lab: string, readonly reasons: Diagnostic[]) {
    super('trust-required', `Lab "${lab}" needs your trust before it runs. It asks for more than a lab gets by default:\n` +
      `${reasons.map((r) => `  ${formatDiagnostic(r)}`).join('\n')}\n` +
      'Read the lab (it is code), then run it again with --trust if you trust it.');
    this.name = 'TrustRequiredError';
  }
}

export class BaseImageUnavailableError extends LabvisorError {
  constructor(ref: string, reasons: string[]) {
    super('base-image-unavailable', `The base image ${ref} is not available and could not be made:\n${reasonList(reasons)}`, {
      fix: 'install a static busybox (Debian/Ubuntu: sudo apt-get install busybox-static;' +
        ' or set LABVISOR_BUSYBOX to a static busybox binary for the engine\'s CPU), or connect to a registry.',
    });
    this.name = 'BaseImageUnavailableError';
  }
}

export class ImageBuildError extends LabvisorError {
  constructor(readonly tag: string, readonly reason: string, readonly log: string) {
    super('image-build-failed', `Building ${tag} failed: ${reason}`);
    this.name = 'ImageBuildError';
  }
}

export class BootTimeout extends LabvisorError {
  constructor(machine: string, accel: Accelerator, deadlineMs: number, lines: string) {
    super('boot-timeout', `VM "${machine}" did not boot within ${deadlineMs / 1000} s with ${accel}: start the lab again (a busy computer boots VMs slower), ` +
      'and if it fails again, run labvisor doctor.\n' +
      (lines ? `Last console lines:\n${lines}` : 'The console stayed silent (is the kernel for this CPU?)'));
    this.name = 'BootTimeout';
  }
}

/**
 * An engine refusal already put in words where it happened, by code that knew the machine
 * (engine-error-words.ts): its message is the whole story, `cause` keeps the engine's answer.
 */
export class ErrorInWords extends LabvisorError {
  constructor(message: string, cause: unknown) {
    super('error-in-words', message, { cause });
    this.name = 'ErrorInWords';
  }
}

/**
 * Nothing came within the time allowed: a line from the guest agent, the engine's first answer.
 * A class of its own, so a caller that waits (a check's time limit, a VM's boot) tells it apart.
 */
export class NoAnswerError extends LabvisorError {
  constructor(timeoutMs: number) {
    super('no-answer', `no answer within ${timeoutMs / 1000} s`);
    this.name = 'NoAnswerError';
  }
}
