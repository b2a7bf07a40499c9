// Connecting to the Docker engine: DOCKER_HOST when set, else the usual local sockets. Every
// failure to connect becomes one message naming what was tried and how to fix it.
import { EngineUnreachableError } from '../errors.js';
import type Docker from 'dockerode';
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

interface EngineConnection { docker: Docker; target: string }

/** dockerode (with its gRPC and SSH stacks) loads on first connect, not with every module that names the engine. */
async function connectionFromEnv(): Promise<EngineConnection> {
  const { default: Docker } = await import('dockerode');
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
  const { docker, target } = await connectionFromEnv();
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
