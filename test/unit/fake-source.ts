// A terminal source that unit tests drive by hand: what it is asked to do is recorded, what
// it "prints" is what the test says.
import { SourceEvents, type SourceExit, type TerminalSource } from '../../electron/engine/terminals/terminal-source.js';

export class FakeSource extends SourceEvents implements TerminalSource {
  paused = false;
  written: string[] = [];
  sizes: Array<[number, number]> = [];
  closed = false;
  write(data: string) { this.written.push(data); }
  resize(cols: number, rows: number) { this.sizes.push([cols, rows]); }
  pause() { this.paused = true; }
  resume() { this.paused = false; }
  async close() { this.closed = true; }
  print(data: string | Buffer) { this.emitData(Buffer.isBuffer(data) ? data : Buffer.from(data)); }
  end(exit: SourceExit) { this.emitExit(exit); }
}
