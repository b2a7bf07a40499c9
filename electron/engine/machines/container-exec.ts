// Runs a script in a running container: exec without a TTY, the multiplexed stream demuxed,
// output capped, and a deadline after which the exec's process is killed.
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { randomUUID } from 'node:crypto';
import { CappedOutput, DEFAULT_MAX_OUTPUT, type ScriptOptions, type ScriptResult } from './script-result.js';

const MARKER = 'LABVISOR_EXEC';

export async function runContainerScript(
  docker: Docker, container: string, script: string, opts: ScriptOptions,
): Promise<ScriptResult> {
  const out = new CappedOutput(opts.maxOutput ?? DEFAULT_MAX_OUTPUT);
  const marker = randomUUID();
  const exec = await docker.getContainer(container).exec({
    Cmd: ['/bin/sh', '-c', script],
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Env: [...Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`), `${MARKER}=${marker}`],
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => out.push(c));
  docker.modem.demuxStream(stream, sink, sink);

  let timedOut = false;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(async () => {
      timedOut = true;
      await killExec(docker, container, marker).catch(() => {});
      stream.destroy();
      resolve();
    }, opts.timeoutMs);
    const finish = () => { clearTimeout(timer); resolve(); };
    stream.on('end', finish);
    stream.on('close', finish);
    stream.on('error', finish);
  });
  const info = await exec.inspect();
  return {
    exitCode: timedOut ? 124 : info.ExitCode ?? 1,
    output: out.text(),
    timedOut,
    truncated: out.truncated,
  };
}

/**
 * The engine API cannot kill an exec. Every exec carries a unique marker in its environment,
 * inherited by what it starts, so a second exec can find and kill that whole tree from
 * inside the container — wherever the engine runs, local or remote.
 */
async function killExec(docker: Docker, container: string, marker: string): Promise<void> {
  const killer = `for e in /proc/[0-9]*/environ; do
    tr '\\0' '\\n' < "$e" 2>/dev/null | grep -qx '${MARKER}=${marker}' && p=\${e#/proc/} && kill -9 \${p%/environ}
  done 2>/dev/null; true`;
  const exec = await docker.getContainer(container).exec({ Cmd: ['/bin/sh', '-c', killer], AttachStdout: true, AttachStderr: true });
  // Read the killer's (empty) output to its end: an unread stream would hold its socket open.
  const stream = await exec.start({ hijack: true, stdin: false });
  stream.resume();
  await new Promise((resolve) => { stream.on('end', resolve); stream.on('close', resolve); stream.on('error', resolve); });
}
