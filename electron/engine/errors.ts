// Errors the engine throws that callers tell apart (the CLI's report, the API's error codes).
// A module of their own, without the engine's dependencies, so those callers stay light.
import type { Accelerator } from './machines/vm/qemu-args.js';
import { type Diagnostic, formatDiagnostic } from './labs/diagnostics.js';

/**
 * The engine does not answer. `Cannot reach the Docker engine at TARGET: REASON.` and a `Fix:`
 * line; `foundBy` (how the engine was found: a docker context…) joins the first line when the
 * address came from somewhere the learner may not think of, `fix` replaces the generic fix.
 */
export class EngineUnreachableError extends Error {
  constructor(readonly target: string, reason: string, opts: { foundBy?: string; fix?: string } = {}) {
    super(`Cannot reach the Docker engine at ${target}${opts.foundBy ? `, found by ${opts.foundBy}` : ''}: ${reason}.\n` +
      `Fix: ${opts.fix ?? fixHint(target, reason)}`);
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
    super(target, line);
    this.message = line;
    this.name = 'EngineSettingsError';
  }
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
export class TrustRequiredError extends Error {
  constructor(readonly lab: string, readonly reasons: Diagnostic[]) {
    super(`Lab "${lab}" needs your trust before it runs. It asks for more than a lab gets by default:\n` +
      `${reasons.map((r) => `  ${formatDiagnostic(r)}`).join('\n')}\n` +
      'Read the lab (it is code), then run it again with --trust if you trust it.');
    this.name = 'TrustRequiredError';
  }
}

export class BaseImageUnavailableError extends Error {
  constructor(ref: string, reasons: string[]) {
    super(`The base image ${ref} is not available and could not be made:\n` +
      reasons.map((r) => `  - ${r}`).join('\n') +
      '\nFix: install a static busybox (Debian/Ubuntu: sudo apt-get install busybox-static;' +
      ' or set LABVISOR_BUSYBOX to a static busybox binary for the engine\'s CPU), or connect to a registry.');
    this.name = 'BaseImageUnavailableError';
  }
}

export class ImageBuildError extends Error {
  constructor(readonly tag: string, readonly reason: string, readonly log: string) {
    super(`Building ${tag} failed: ${reason}`);
    this.name = 'ImageBuildError';
  }
}

export class BootTimeout extends Error {
  constructor(machine: string, accel: Accelerator, deadlineMs: number, lines: string) {
    super(`VM "${machine}" did not boot within ${deadlineMs / 1000} s with ${accel}: start the lab again (a busy computer boots VMs slower), ` +
      'and if it fails again, run labvisor doctor.\n' +
      (lines ? `Last console lines:\n${lines}` : 'The console stayed silent (is the kernel for this CPU?)'));
    this.name = 'BootTimeout';
  }
}

/**
 * An engine refusal already put in words where it happened, by code that knew the machine
 * (engine-error-words.ts): its message is the whole story, `cause` keeps the engine's answer.
 */
export class ErrorInWords extends Error {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
    this.name = 'ErrorInWords';
  }
}
