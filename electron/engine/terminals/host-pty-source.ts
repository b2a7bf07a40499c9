// A terminal on the learner's own computer: their shell in a pty, started in the session's
// work folder with the LAB_* variables host scripts get. Close ends every process it started.
import pty from 'node-pty';
import { SourceEvents, type TerminalSource } from './terminal-source.js';
import { killTree, processTree } from './process-tree.js';

/** A shell's grace between SIGHUP and SIGKILL (it may save its history). */
const HANGUP_GRACE_MS = 300;

export function openHostTerminal(cwd: string, env: Record<string, string>, cols: number, rows: number): TerminalSource {
  const shell = process.env.SHELL || '/bin/sh';
  const term = pty.spawn(shell, [], {
    name: 'xterm-256color', cols, rows, cwd,
    env: { ...process.env, ...env, TERM: 'xterm-256color' },
    // utf8 also sets the pty's IUTF8 mode (line editing by character); the text is bytes again below.
    encoding: 'utf8',
  });
  return new HostPtySource(term);
}

class HostPtySource extends SourceEvents implements TerminalSource {
  private closed = false;

  constructor(private readonly term: pty.IPty) {
    super();
    term.onData((text) => this.emitData(Buffer.from(text, 'utf8')));
    term.onExit(({ exitCode, signal }) => {
      if (!this.closed) this.emitExit(signal ? { code: 128 + signal, reason: `ended by signal ${signal}` } : { code: exitCode });
    });
  }

  write(data: string): void {
    if (!this.hasExited) this.term.write(data);
  }

  resize(cols: number, rows: number): void {
    if (!this.hasExited) this.term.resize(cols, rows);
  }

  pause(): void { this.term.pause(); }
  resume(): void { this.term.resume(); }

  async close(): Promise<void> {
    this.closed = true;
    await killTree(await processTree(this.term.pid), HANGUP_GRACE_MS);
    this.term.kill('SIGKILL'); // also closes the pty in node-pty
  }
}
