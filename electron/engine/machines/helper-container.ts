// A short-lived, locked-down container from labvisor/base for the engine's own looks into
// volumes and the engine host (probes, doctor, lenses): no network, no capabilities, read-only,
// labelled, removed.
import type Docker from 'dockerode';
import { PassThrough } from 'node:stream';
import { BASE_IMAGE } from '../images/base-image.js';
import { CappedOutput } from './script-result.js';

export interface HelperRun { exitCode: number; stdout: string; stderr: string }

export async function runHelper(docker: Docker, opts: {
  cmd: string[];
  labels: Record<string, string>;
  mounts?: Array<{ volume: string; target: string }>;
  maxOutput?: number;
  /** Killed after this long; default 20 s. */
  timeoutMs?: number;
  /** In the engine host's PID namespace, to read its process table (the process lens). */
  pidHost?: boolean;
  /** In the engine host's PID and UTS namespaces: its processes and its hostname (the kernel lens). */
  hostNamespaces?: boolean;
}): Promise<HelperRun> {
  const container = await docker.createContainer({
    Image: BASE_IMAGE,
    Cmd: opts.cmd,
    Labels: opts.labels,
    NetworkDisabled: true,
    HostConfig: {
      NetworkMode: 'none',
      CapDrop: ['ALL'],
      SecurityOpt: ['no-new-privileges'],
      ReadonlyRootfs: true,
      Memory: 64 * 1024 * 1024,
      PidsLimit: 32,
      ...(opts.pidHost || opts.hostNamespaces ? { PidMode: 'host' } : {}),
      ...(opts.hostNamespaces ? { UTSMode: 'host' } : {}),
      Mounts: (opts.mounts ?? []).map((m) => ({ Type: 'volume' as const, Source: m.volume, Target: m.target, ReadOnly: true })),
    },
  });
  try {
    const stdout = new CappedOutput(opts.maxOutput ?? 1 << 20);
    const stderr = new CappedOutput(64 * 1024);
    const stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const out = new PassThrough().on('data', (c: Buffer) => stdout.push(c));
    const err = new PassThrough().on('data', (c: Buffer) => stderr.push(c));
    docker.modem.demuxStream(stream, out, err);
    const ended = new Promise((resolve) => stream.on('end', resolve));
    await container.start();
    const timer = setTimeout(() => container.kill().catch(() => {}), opts.timeoutMs ?? 20_000);
    const { StatusCode } = await container.wait().finally(() => clearTimeout(timer));
    await ended;
    return { exitCode: StatusCode, stdout: stdout.text(), stderr: stderr.text() };
  } finally {
    await container.remove({ force: true }).catch(() => {});
  }
}
