// A container's terminal with its pty allocated inside the container. `docker exec -t` carries a
// few MB/s (containerd-shim copies small pty reads through a FIFO and a socket), an exec without a
// TTY ten times more. So the exec runs busybox `telnetd -i`, which opens a pty there, starts the
// shell on it and speaks telnet on the exec's plain stdin/stdout: window size goes in-band (NAWS),
// Ctrl-C and job control are the pty's own. Every Labvisor image has busybox; an image without it
// gets `undefined`, and the caller falls back to `docker exec -t` (container-source.ts).
import type Docker from 'dockerode';
import type { Duplex } from 'node:stream';
import { ExecDemuxer } from '../machines/exec-demux.js';
import { killMarked, newExecMarker } from '../machines/exec-marker.js';
import { encodeInput, nawsFrame, TelnetDecoder } from './telnet-codec.js';
import { EXIT_OSC_PREFIX, ShellExitFilter } from './shell-exit-marker.js';
import { SourceEvents, type TerminalSource } from './terminal-source.js';

// The shell telnetd starts cannot take arguments, so it is not a login shell: its ENV file (read
// by every interactive sh, handed over on fd 9 so nothing is written in the container) reads the
// profiles as `sh -l` would, and leaves a trap that prints the shell's exit code on its way out.
const PROFILE = [
  'unset ENV; exec 9<&-',
  '[ -r /etc/profile ] && . /etc/profile',
  '[ -r "$HOME/.profile" ] && . "$HOME/.profile"',
  `trap 'printf "${EXIT_OSC_PREFIX.replace('\x1b', '\\033')}%s\\007" "$?"' EXIT`,
].join('\n');
// telnetd writes 2 KB at a time, and the engine pays per write (dockerd and containerd-shim
// burn twice the CPU of everything else at that size). `dd` reads whatever has piled up in the
// pipe while the engine was busy and passes it on in one write: bigger writes under load, no
// waiting when there is little (it never asks for a full block).
const SCRIPT = `exec 9<<'LABVISOR_PROFILE'\n${PROFILE}\nLABVISOR_PROFILE\n`
  + 'ENV=/proc/self/fd/9 busybox telnetd -i -f /dev/null -l /bin/sh | busybox dd bs=65536 2>/dev/null';

/** telnetd prints an empty line (the login issue's) before the shell starts. */
const ISSUE_LINE = Buffer.from('\r\r\n');
const ANSWER_TIMEOUT_MS = 30_000;

/** The terminal, or undefined when the container has no busybox telnetd. */
export async function openPtyInContainer(
  docker: Docker, container: string, cols: number, rows: number, env: Record<string, string>,
): Promise<TerminalSource | undefined> {
  const { marker, env: markerEnv } = newExecMarker();
  const exec = await docker.getContainer(container).exec({
    Cmd: ['/bin/sh', '-c', SCRIPT],
    Tty: false,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Env: [...Object.entries(env).map(([k, v]) => `${k}=${v}`), 'TERM=xterm-256color', markerEnv],
  });
  const socket = await exec.start({ hijack: true, stdin: true }) as Duplex;
  const source = new PtyHelperSource(docker, container, socket, marker);
  source.resize(cols, rows);
  if (await source.answered()) return source;
  await source.close();
  return undefined;
}

class PtyHelperSource extends SourceEvents implements TerminalSource {
  private closed = false;
  private readonly telnet = new TelnetDecoder();
  private readonly exitCode = new ShellExitFilter();
  private issueBytes = 0;
  private heard = false;
  private readonly answer: Promise<boolean>;
  private settleAnswer!: (heard: boolean) => void;

  constructor(
    private readonly docker: Docker,
    private readonly container: string,
    private readonly socket: Duplex,
    private readonly marker: string,
  ) {
    super();
    this.answer = new Promise((resolve) => { this.settleAnswer = resolve; });
    // One output per socket read, not per frame: every piece would become a message to each UI.
    let pieces: Buffer[] = [];
    const demux = new ExecDemuxer((stream, bytes) => { if (stream === 'stdout') pieces.push(bytes); });
    socket.on('data', (chunk: Buffer) => {
      demux.push(chunk);
      if (!pieces.length) return;
      this.output(pieces.length === 1 ? pieces[0]! : Buffer.concat(pieces));
      pieces = [];
    });
    socket.on('error', () => {}); // followed by close
    let ended = false;
    const onEnd = () => { if (!ended) { ended = true; void this.ended(); } };
    socket.once('end', onEnd);
    socket.once('close', onEnd);
  }

  /** True once telnetd speaks (it offers its options at once); false when the exec ended first. */
  answered(): Promise<boolean> {
    const timeout = new Promise<boolean>((_, reject) => {
      setTimeout(() => reject(new Error(`the terminal of container ${this.container.slice(0, 12)} did not answer in ${ANSWER_TIMEOUT_MS / 1000} s`)), ANSWER_TIMEOUT_MS).unref();
    });
    return Promise.race([this.answer, timeout]);
  }

  write(data: string): void {
    if (!this.socket.destroyed) this.socket.write(encodeInput(data));
  }

  resize(cols: number, rows: number): void {
    if (!this.socket.destroyed) this.socket.write(nawsFrame(cols, rows));
  }

  pause(): void { this.socket.pause(); }
  resume(): void { this.socket.resume(); }

  /** The engine cannot kill an exec: a second exec kills every process carrying our marker. */
  async close(): Promise<void> {
    this.closed = true;
    try {
      await killMarked(this.docker, this.container, this.marker);
    } finally {
      this.socket.destroy();
    }
  }

  private output(bytes: Buffer): void {
    if (!this.heard) { this.heard = true; this.settleAnswer(true); }
    let data = this.telnet.decode(bytes);
    while (this.issueBytes < ISSUE_LINE.length && data.length && data[0] === ISSUE_LINE[this.issueBytes]) {
      this.issueBytes++;
      data = data.subarray(1);
    }
    if (data.length) this.issueBytes = ISSUE_LINE.length; // past the start: nothing more to skip
    this.emitData(this.exitCode.filter(data));
  }

  /** The stream ended: the shell exited (its code came with the trap; telnetd's own says nothing), or the container went away. */
  private async ended(): Promise<void> {
    this.settleAnswer(false);
    if (this.closed || !this.heard) return;
    this.emitData(this.exitCode.flush());
    if (this.exitCode.code !== undefined) return this.emitExit({ code: this.exitCode.code });
    const running = await this.docker.getContainer(this.container).inspect().then((i) => i.State.Running, () => false);
    this.emitExit({ code: null, reason: running ? 'the shell ended' : 'the container stopped' });
  }
}
