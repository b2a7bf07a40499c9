// Runs a script in a running container: exec without a TTY, the multiplexed stream demuxed,
// output capped, and a deadline after which the exec's process is killed.
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { killMarked, newExecMarker } from './exec-marker.js';
import { CappedOutput, DEFAULT_MAX_OUTPUT, type ScriptOptions, type ScriptResult } from './script-result.js';

export async function runContainerScript(
  docker: Docker, container: string, script: string, opts: ScriptOptions,
): Promise<ScriptResult> {
  const out = new CappedOutput(opts.maxOutput ?? DEFAULT_MAX_OUTPUT);
  const { marker, env: markerEnv } = newExecMarker();
  const exec = await docker.getContainer(container).exec({
    Cmd: ['/bin/sh', '-c', script],
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    Env: [...Object.entries(opts.env ?? {}).map(([k, v]) => `${k}=${v}`), markerEnv],
  });
  const stream = await exec.start({ hijack: true, stdin: false });
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => out.push(c));
  docker.modem.demuxStream(stream, sink, sink);

  let timedOut = false;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(async () => {
      timedOut = true;
      await killMarked(docker, container, marker).catch(() => {});
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
