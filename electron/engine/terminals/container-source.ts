// A container's terminal: `docker exec` of a login shell with a TTY, on a hijacked connection
// (raw bytes both ways, no multiplexing with a TTY). Pausing the socket backs Docker up to
// the pty in the container, so a program printing fast blocks instead of filling memory.
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { killMarked, newExecMarker } from '../machines/exec-marker.js';
import { SourceEvents, type TerminalSource } from './terminal-source.js';

export async function openContainerTerminal(
  docker: Docker, container: string, cols: number, rows: number, env: Record<string, string> = {},
): Promise<TerminalSource> {
  const { marker, env: markerEnv } = newExecMarker();
  const exec = await docker.getContainer(container).exec({
    Cmd: ['/bin/sh', '-l'],
    Tty: true,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Env: [...Object.entries(env).map(([k, v]) => `${k}=${v}`), 'TERM=xterm-256color', markerEnv],
    // Honoured from API 1.42; older engines start at 80x24 until the resize below.
    ConsoleSize: [rows, cols],
  });
  const stream = await exec.start({ hijack: true, stdin: true, Tty: true }) as Duplex;
  const source = new ContainerSource(docker, container, exec, stream, marker);
  source.resize(cols, rows);
  return source;
}

class ContainerSource extends SourceEvents implements TerminalSource {
  private closed = false;

  constructor(
    private readonly docker: Docker,
    private readonly container: string,
    private readonly exec: Docker.Exec,
    private readonly stream: Duplex,
    private readonly marker: string,
  ) {
    super();
    stream.on('data', (c: Buffer) => this.emitData(c));
    stream.on('error', () => {}); // followed by close; the exit code says what happened
    let ended = false;
    const onEnd = () => { if (!ended) { ended = true; void this.ended(); } };
    stream.once('end', onEnd);
    stream.once('close', onEnd);
  }

  write(data: string): void {
    if (!this.stream.destroyed) this.stream.write(data);
  }

  resize(cols: number, rows: number): void {
    // Fails only once the exec has ended, which the stream reports.
    this.exec.resize({ h: rows, w: cols }).catch(() => {});
  }

  pause(): void { this.stream.pause(); }
  resume(): void { this.stream.resume(); }

  /** The engine cannot kill an exec: a second exec kills every process carrying our marker. */
  async close(): Promise<void> {
    this.closed = true;
    try {
      await killMarked(this.docker, this.container, this.marker);
    } finally {
      this.stream.destroy();
    }
  }

  /** The stream ended: the shell exited (its code), or the container went away. */
  private async ended(): Promise<void> {
    if (this.closed) return;
    let info: Docker.ExecInspectInfo | undefined;
    // The engine may report the exec as running for a moment after its output closed.
    for (let i = 0; i < 20; i++) {
      info = await this.exec.inspect().catch(() => undefined);
      if (!info?.Running) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    if (info && !info.Running && info.ExitCode !== null) this.emitExit({ code: info.ExitCode });
    else this.emitExit({ code: null, reason: 'the container stopped' });
  }
}
