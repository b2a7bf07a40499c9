// Connecting to the Docker engine: DOCKER_HOST when set, else the usual local sockets. Every
// failure to connect becomes one message naming what was tried and how to fix it.
import Docker from 'dockerode';
import { existsSync } from 'node:fs';
import { homedir, release } from 'node:os';
import { join } from 'node:path';

export type EngineLocation = 'local' | 'vm' | 'remote';

export interface EngineInfo {
  target: string;
  version: string;
  apiVersion: string;
  os: string;
  kernel: string;
  arch: string;
  /** local: the engine shares this machine's kernel; vm: it runs in a VM here (Docker Desktop, colima…); remote: elsewhere. */
  location: EngineLocation;
}

export class EngineUnreachableError extends Error {
  constructor(readonly target: string, reason: string) {
    super(`Cannot reach the Docker engine at ${target}: ${reason}.\n` + fixHint(target, reason));
    this.name = 'EngineUnreachableError';
  }
}

function fixHint(target: string, reason: string): string {
  if (/EACCES|permission denied/i.test(reason)) {
    return 'Fix: add your user to the "docker" group (sudo usermod -aG docker $USER, then log in again), or run as root.';
  }
  if (process.env.DOCKER_HOST) {
    return `Fix: start the engine behind DOCKER_HOST=${process.env.DOCKER_HOST}, or unset DOCKER_HOST to use the local engine.`;
  }
  return target.startsWith('unix://')
    ? 'Fix: start Docker (sudo systemctl start docker, or open Docker Desktop), or set DOCKER_HOST to a running engine.'
    : 'Fix: start Docker Desktop, or set DOCKER_HOST to a running engine.';
}

/** Local sockets to try when DOCKER_HOST is unset, most common first. */
function candidateSockets(): string[] {
  const home = homedir();
  const runtime = process.env.XDG_RUNTIME_DIR;
  return [
    '/var/run/docker.sock',
    join(home, '.docker', 'run', 'docker.sock'), // Docker Desktop (macOS, Linux)
    ...(runtime ? [join(runtime, 'docker.sock')] : []), // rootless Docker
    join(home, '.colima', 'default', 'docker.sock'),
    join(home, '.rd', 'docker.sock'), // Rancher Desktop
  ];
}

export interface EngineConnection { docker: Docker; target: string }

export function connectionFromEnv(): EngineConnection {
  const host = process.env.DOCKER_HOST;
  if (host) return { docker: new Docker(), target: host };
  if (process.platform === 'win32') {
    return { docker: new Docker({ socketPath: '//./pipe/docker_engine' }), target: 'npipe:////./pipe/docker_engine' };
  }
  const socket = candidateSockets().find((s) => existsSync(s)) ?? '/var/run/docker.sock';
  return { docker: new Docker({ socketPath: socket }), target: `unix://${socket}` };
}

function isLoopbackHost(target: string): boolean {
  try {
    const url = new URL(target);
    return url.protocol === 'unix:' || url.protocol === 'npipe:' || ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname);
  } catch {
    return true;
  }
}

/** Connects and asks the engine who it is; throws EngineUnreachableError within timeoutMs. */
export async function connectEngine(timeoutMs = 10_000): Promise<{ docker: Docker; info: EngineInfo }> {
  const { docker, target } = connectionFromEnv();
  let timer: NodeJS.Timeout | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    const [info, version] = await Promise.race([Promise.all([docker.info(), docker.version()]), timeout]);
    const kernel = String(info.KernelVersion ?? '');
    const os = String(info.OperatingSystem ?? '');
    let location: EngineLocation = 'local';
    if (!isLoopbackHost(target)) location = 'remote';
    else if (process.platform !== 'linux' || /Docker Desktop/i.test(os) || kernel !== release()) location = 'vm';
    return {
      docker,
      info: {
        target, version: String(version.Version), apiVersion: String(version.ApiVersion), os, kernel,
        arch: String(info.Architecture ?? ''), location,
      },
    };
  } catch (err) {
    const reason = err instanceof Error ? (err as NodeJS.ErrnoException).code ?? err.message : String(err);
    throw new EngineUnreachableError(target, reason === 'ENOENT' ? 'no such socket (ENOENT)' : reason);
  } finally {
    clearTimeout(timer);
  }
}
