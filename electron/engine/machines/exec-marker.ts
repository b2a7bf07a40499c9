// The engine API cannot kill an exec. Every exec Labvisor starts carries a unique marker in its
// environment, inherited by what it starts, so a second exec can find and kill that whole tree
// from inside the container — wherever the engine runs, local or remote.
import type Docker from 'dockerode';
import { randomUUID } from 'node:crypto';

const MARKER = 'LABVISOR_EXEC';

/** A fresh marker and the `NAME=value` entry to put in the exec's Env. */
export function newExecMarker(): { marker: string; env: string } {
  const marker = randomUUID();
  return { marker, env: `${MARKER}=${marker}` };
}

/** Kills every process in `container` carrying `marker`, and waits for the killer to finish. */
export async function killMarked(docker: Docker, container: string, marker: string): Promise<void> {
  const killer = `for e in /proc/[0-9]*/environ; do
    tr '\\0' '\\n' < "$e" 2>/dev/null | grep -qx '${MARKER}=${marker}' && p=\${e#/proc/} && kill -9 \${p%/environ}
  done 2>/dev/null; true`;
  const exec = await docker.getContainer(container).exec({ Cmd: ['/bin/sh', '-c', killer], AttachStdout: true, AttachStderr: true });
  // Read the killer's (empty) output to its end: an unread stream would hold its socket open.
  const stream = await exec.start({ hijack: true, stdin: false });
  stream.resume();
  await new Promise((resolve) => { stream.on('end', resolve); stream.on('close', resolve); stream.on('error', resolve); });
}
