// Why a VM's runner container stopped, in words a learner can act on: what its exit means, what
// QEMU said last and what the guest's console showed last. The runner's output is kept (bounded)
// from before its start to its end, so a boot that fails and a VM that dies later are told alike.

/** Terminal escape sequences (busybox's shell asks for the cursor position after its prompt). */
// eslint-disable-next-line no-control-regex
export const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]/g;

const CONSOLE_TAIL_CHARS = 16_000;
const STDERR_TAIL_CHARS = 4000;
const CONSOLE_LINES = 12;
const STDERR_LINES = 4;

/** What a panicking Linux kernel prints (panic=-1 then reboots the guest at once). */
const PANIC_LINE = /Kernel panic - not syncing/;

/** The last of what the runner printed: the guest's console (ttyS0) and QEMU's stderr. */
export class RunnerTail {
  private console = '';
  private stderr = '';
  /** The guest's kernel panicked: its console said so. */
  panicked = false;
  /** Called once, when the console shows a kernel panic. */
  onPanic: () => void = () => {};

  readonly keepConsole = (c: Buffer): void => {
    const text = c.toString('utf8');
    // The line may be split across chunks: look at the end of what was kept, with this chunk.
    const seen = (this.console.slice(-64) + text).replace(ESCAPES, '');
    this.console = (this.console + text).slice(-CONSOLE_TAIL_CHARS);
    if (!this.panicked && PANIC_LINE.test(seen)) {
      this.panicked = true;
      this.onPanic();
    }
  };
  readonly keepStderr = (c: Buffer): void => { this.stderr = (this.stderr + c.toString('utf8')).slice(-STDERR_TAIL_CHARS); };

  /** The console's last lines, after a kernel panic line from before them (the cause, scrolled away). */
  consoleLines(): string {
    const lines = this.console.replace(ESCAPES, '').trim().split(/\r?\n/);
    const panic = lines.slice(0, -CONSOLE_LINES).find((l) => /Kernel panic/.test(l));
    return [...(panic ? [panic, '…'] : []), ...lines.slice(-CONSOLE_LINES)].join('\n');
  }

  /** QEMU's last lines on stderr. */
  qemuSaid(): string {
    return this.stderr.trim().split(/\r?\n/).slice(-STDERR_LINES).join('\n');
  }
}

/** How a runner ended, as the engine tells it. */
export type RunnerEnd =
  | { kind: 'exited'; exitCode: number; oomKilled: boolean; /** The runner's memory limit. */ limitMb: number }
  /** The container is gone, or being removed. */
  | { kind: 'removed' }
  /** The guest's kernel panicked, and Labvisor stopped its runner. */
  | { kind: 'panicked' }
  /** The engine could not be asked. */
  | { kind: 'unknown'; error: string };

/** What a learner does about a VM that stopped: its runner is gone, and a reset (the Player's "Reset lab") boots a new one. */
export const BOOT_AGAIN = 'Reset the lab to boot it again';

/** What the end means, for a VM of `vmMemoryMb`, and what to do about it. */
export function runnerEndMeaning(end: RunnerEnd, vmMemoryMb: number): string {
  if (end.kind === 'unknown') return `its runner stopped answering, and the engine could not say why (${end.error}); check that Docker runs, then ${BOOT_AGAIN}`;
  return `${endCause(end, vmMemoryMb)}; ${BOOT_AGAIN}`;
}

function endCause(end: Exclude<RunnerEnd, { kind: 'unknown' }>, vmMemoryMb: number): string {
  if (end.kind === 'removed') return 'its runner container was removed from outside Labvisor (docker rm -f, or another client\'s gc)';
  if (end.kind === 'panicked') return 'the guest\'s kernel panicked, so Labvisor stopped its QEMU (the kernel would reboot the VM, and again at each panic)';
  const code = end.exitCode;
  // The kernel's OOM killer sends SIGKILL too: the engine's flag tells it from a `docker kill`.
  if (end.oomKilled) return `out of memory: the VM's ${vmMemoryMb} MB plus QEMU's own memory exceeded its runner's limit of ${end.limitMb} MB, so QEMU was killed (exit code ${code})`;
  if (code === 137) return 'its runner was killed (exit code 137: SIGKILL, as `docker kill` sends)';
  if (code > 128) return `its runner was killed by signal ${code - 128} (exit code ${code})`;
  // A reboot does not end QEMU, and a panic is caught on the console (above): code 0 is a power-off.
  if (code === 0) return 'QEMU exited (code 0): the guest powered off, or QEMU was asked to quit';
  return `QEMU exited with code ${code}`;
}

/** The meaning, then QEMU's last words and the console's last lines when there are any. */
export function explainEnd(meaning: string, tail: RunnerTail): string {
  const said = tail.qemuSaid();
  const console = tail.consoleLines();
  return [meaning, ...(said ? [`QEMU said: ${said}`] : []), ...(console ? ['Last console lines:', console] : [])].join('\n');
}

/** A running VM whose guest agent's channel broke while its runner runs on (its end, when it ends, says more). */
export function agentLost(detail: string): string {
  return `cannot run commands, the connection to its guest agent was lost (${detail}); ${BOOT_AGAIN}`;
}

/**
 * A boot that failed with the runner stopped: the kernel panicked (the lab's guest does not boot:
 * its author's to fix) or QEMU exited (a VM part: doctor checks them); then what QEMU and the console said.
 */
export function bootFailed(machine: string, exitCode: number, tail: RunnerTail, failed: string): string {
  // What failed on our side, when QEMU said nothing: the only clue left.
  const clue = tail.qemuSaid() ? '' : ` (${failed})`;
  const what = tail.panicked
    ? `The guest's kernel panicked while booting "${machine}"${clue}: the lab's VM does not boot here, tell the lab's author (the console lines below say why)`
    : `QEMU exited (code ${exitCode}) while booting "${machine}"${clue}: run labvisor doctor to check the VM parts, then start the lab again`;
  return explainEnd(`${what}.`, tail);
}
