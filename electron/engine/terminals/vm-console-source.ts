// A VM's terminal: its serial console (ttyS0, the stdio of QEMU in its runner container). There is one
// serial line per VM, so there is one such terminal per VM; it has no exit of its own and
// ends when the VM stops, with why when it stopped by itself. Resizing goes through the guest agent (stty + SIGWINCH), since a
// serial line carries no window size.
import type { Duplex } from 'node:stream';
import { SourceEvents, type TerminalSource } from './terminal-source.js';

/** What a console terminal needs of a VM (VmMachine has it). */
export interface VmConsole {
  readonly console: Duplex;
  /** Settles once the VM ended: why it stopped by itself, or undefined when Labvisor stopped it. */
  readonly ended: Promise<string | undefined>;
  resize(rows: number, cols: number): void;
}

export function openVmConsole(vm: VmConsole, cols: number, rows: number): TerminalSource {
  const source = new VmConsoleSource(vm);
  source.resize(cols, rows);
  // The prompt was printed at boot, before anyone listened: Enter shows a fresh one.
  vm.console.write('\r');
  return source;
}

class VmConsoleSource extends SourceEvents implements TerminalSource {
  private readonly onConsoleData = (c: Buffer) => this.emitData(c);
  /** The console closes with the runner; why the runner stopped is known a moment later. */
  private readonly onClose = () => {
    void this.vm.ended.then((why) => this.emitExit({ code: null, reason: why ? `the VM stopped: ${why}` : 'the VM stopped' }));
  };
  private readonly onError = () => {}; // a close follows, which ends the terminal

  constructor(private readonly vm: VmConsole) {
    super();
    vm.console.on('data', this.onConsoleData);
    vm.console.once('close', this.onClose);
    vm.console.on('error', this.onError);
    if (vm.console.destroyed) this.onClose();
  }

  write(data: string): void {
    if (!this.vm.console.destroyed) this.vm.console.write(data);
  }

  resize(cols: number, rows: number): void { this.vm.resize(rows, cols); }

  /** The guest's UART waits while the console is not read: its programs block on output. */
  pause(): void { this.vm.console.pause(); }
  resume(): void { this.vm.console.resume(); }

  /** The console belongs to the VM: stop listening and let it flow (nobody reading must not block the guest). */
  async close(): Promise<void> {
    this.vm.console.off('data', this.onConsoleData);
    this.vm.console.off('close', this.onClose);
    this.vm.console.off('error', this.onError);
    this.vm.console.resume();
  }
}
