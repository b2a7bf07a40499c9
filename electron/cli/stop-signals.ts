// Ctrl-C, `kill` and a closed terminal (SIGINT, SIGTERM, SIGHUP) for the commands that run until
// stopped (run, serve, start, bundle): the first signal stops the work once, so it can remove what
// it made; a second one means "now" and exits at once. Exit codes as a shell reports a program
// killed by the signal: 128 + its number (130 for SIGINT, 143 for SIGTERM).
import { constants } from 'node:os';

export const STOP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** 128 + the signal's number: what a shell reports for a program the signal ended. */
export const signalExitCode = (signal: NodeJS.Signals): number => 128 + constants.signals[signal];

/**
 * Calls `stop` on the first stop signal, once; a second signal exits the process at once with its
 * exit code (cleanup is given up on). Returns the function that removes the handlers.
 */
export function onStopSignal(stop: (signal: NodeJS.Signals) => void): () => void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(signalExitCode(signal));
    stopping = true;
    stop(signal);
  };
  STOP_SIGNALS.forEach((s) => process.on(s, onSignal));
  return () => STOP_SIGNALS.forEach((s) => process.off(s, onSignal));
}
