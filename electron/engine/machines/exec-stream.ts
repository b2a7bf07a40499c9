// A byte stream both ways into a process in a container: an exec without a TTY (so bytes pass
// untouched), its output demultiplexed. How the app reaches a VM's agent inside its runner
// container, wherever the engine runs. Closing kills the exec's processes (the engine API cannot).
import type Docker from 'dockerode';
import { Duplex, PassThrough } from 'node:stream';
import { killMarked, newExecMarker } from './exec-marker.js';

export interface ExecStream {
  /** Writes go to the process's stdin; reads are its stdout. Ends when the process does. */
  readonly stream: Duplex;
  close(): Promise<void>;
}

export async function openExecStream(docker: Docker, container: string, cmd: string[]): Promise<ExecStream> {
  const { marker, env } = newExecMarker();
  const exec = await docker.getContainer(container).exec({
    Cmd: cmd, AttachStdin: true, AttachStdout: true, AttachStderr: true, Tty: false, Env: [env],
  });
  const socket = await exec.start({ hijack: true, stdin: true }) as Duplex;
  const out = new PassThrough();
  docker.modem.demuxStream(socket, out, new PassThrough().resume());
  socket.once('end', () => out.end());
  socket.once('close', () => out.end());
  socket.on('error', () => out.end());
  const stream = Duplex.from({ readable: out, writable: socket });
  stream.on('error', () => {}); // ends with the socket; callers watch 'close'
  return {
    stream,
    async close() {
      await killMarked(docker, container, marker).catch(() => {});
      socket.destroy();
      stream.destroy();
    },
  };
}
