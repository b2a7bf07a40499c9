// What a terminal session reads from and writes to, whatever the machine: a container's exec,
// a VM's serial console, a pty on the host. Sessions add scrollback, flow control and framing.

export interface SourceExit {
  /** The shell's exit code; null when there is none (a VM console, a closed terminal). */
  code: number | null;
  reason?: string;
}

export interface TerminalSource {
  write(data: string): void;
  /** Sizes are validated by the session (1 to MAX_TERMINAL_CELLS, shared/ids.ts). */
  resize(cols: number, rows: number): void;
  /** Stop reading: the machine's output backs up and its programs block (flow control). */
  pause(): void;
  resume(): void;
  /** Ends the terminal and what runs in it; the source emits no data after it resolves. */
  close(): Promise<void>;
  onData(listener: (chunk: Buffer) => void): void;
  /** Called once, after the last data. */
  onExit(listener: (exit: SourceExit) => void): void;
}

/** The event half of a source, shared by the implementations; keeps what comes before a listener is set. */
export class SourceEvents {
  private dataListener?: (chunk: Buffer) => void;
  private exitListener?: (exit: SourceExit) => void;
  private early: Buffer[] = [];
  private exit?: SourceExit;

  onData(listener: (chunk: Buffer) => void): void {
    this.dataListener = listener;
    for (const chunk of this.early.splice(0)) listener(chunk);
  }

  onExit(listener: (exit: SourceExit) => void): void {
    this.exitListener = listener;
    if (this.exit) listener(this.exit);
  }

  protected emitData(chunk: Buffer): void {
    if (this.exit || !chunk.length) return;
    if (this.dataListener) this.dataListener(chunk);
    else this.early.push(chunk);
  }

  protected emitExit(exit: SourceExit): void {
    if (this.exit) return;
    this.exit = exit;
    this.exitListener?.(exit);
  }

  get hasExited(): boolean { return this.exit !== undefined; }
}
