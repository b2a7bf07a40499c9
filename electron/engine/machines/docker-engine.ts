// Connecting to the Docker engine found as the docker CLI finds it (engine-discovery.ts):
// unix sockets and named pipes directly, tcp:// with TLS from DOCKER_TLS_VERIFY/DOCKER_CERT_PATH
// or a context's TLS folder, ssh:// through the system's ssh client (ssh-forward.ts). Every
// failure becomes one message naming what was tried, how it was found, and how to fix it.
import { EngineSettingsError, EngineUnreachableError, errorMessage, LabvisorError, NoAnswerError } from '../errors.js';
import type Docker from 'dockerode';
import type { DoctorReport } from '../../shared/api.js';
import { readFileSync } from 'node:fs';
import { Agent } from 'node:https';
import { release } from 'node:os';
import { resolveEngine } from './engine-discovery.js';
import type { EngineEndpoint } from './engine-endpoint.js';
import { openSshForward, REMOTE_SOCKET, type SshForward } from './ssh-forward.js';

/**
 * The engine and what it runs on, as the API's doctor report carries it (shared/api-types.ts).
 * `target` is its address as the docker CLI writes it (unix:///…, tcp://…, ssh://…); `foundBy`
 * "DOCKER_HOST", "DOCKER_CONTEXT=ctx", "docker context \"ctx\" (~/.docker/config.json)", "Docker
 * Desktop socket" or "default socket /var/run/docker.sock".
 */
export type EngineInfo = NonNullable<DoctorReport['engine']>;
/** local: the engine shares this machine's kernel; vm: it runs in a VM here (Docker Desktop, colima…); remote: elsewhere (ssh://, tcp:// to another host). */
export type EngineLocation = EngineInfo['location'];

export interface EngineConnection {
  docker: Docker;
  info: EngineInfo;
  /** Ends what the connection holds open (an ssh forward); the process exiting does the same. */
  close(): Promise<void>;
}

const DOCKER_ENV = ['DOCKER_HOST', 'DOCKER_TLS_VERIFY', 'DOCKER_CERT_PATH', 'DOCKER_CLIENT_TIMEOUT', 'DOCKER_PATH_PREFIX'] as const;

/**
 * docker-modem merges its own reading of DOCKER_HOST & co. into every client's options (and
 * throws on what it cannot parse or read): each client is made with those variables hidden, so
 * the options worked out here are the only ones.
 */
function withoutDockerEnv<T>(make: () => T): T {
  const saved = DOCKER_ENV.map((k) => [k, process.env[k]] as const);
  for (const k of DOCKER_ENV) delete process.env[k];
  try {
    return make();
  } finally {
    for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
  }
}

function readTlsFile(file: string, endpoint: EngineEndpoint): Buffer {
  try {
    return readFileSync(file);
  } catch (err) {
    const by = endpoint.source === 'DOCKER_HOST' ? 'DOCKER_CERT_PATH' : endpoint.foundBy;
    throw new EngineSettingsError(endpoint.url, `${file} (TLS, from ${by}) cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

interface Opened { docker: Docker; forward?: SshForward }

/** dockerode (with its gRPC and SSH stacks) loads on first connect, not with every module that names the engine. */
async function open(endpoint: EngineEndpoint, timeoutMs: number): Promise<Opened> {
  const { default: Docker } = await import('dockerode');
  const make = (opts: Docker.DockerOptions & { agent?: Agent }) => withoutDockerEnv(() => new Docker(opts));
  switch (endpoint.scheme) {
    case 'unix':
    case 'npipe':
      return { docker: make({ socketPath: endpoint.path }) };
    case 'tcp': {
      const { host, port, tls } = endpoint;
      if (!tls) return { docker: make({ host, port, protocol: 'http' }) };
      const files = {
        ...(tls.ca ? { ca: readTlsFile(tls.ca, endpoint) } : {}),
        ...(tls.cert ? { cert: readTlsFile(tls.cert, endpoint) } : {}),
        ...(tls.key ? { key: readTlsFile(tls.key, endpoint) } : {}),
      };
      // Without verification (DOCKER_TLS alone, a context's SkipTLSVerify): still encrypted, any server certificate.
      const agent = tls.verify ? undefined : new Agent({ rejectUnauthorized: false, ...files });
      return { docker: make({ host, port, protocol: 'https', ...files, ...(agent ? { agent } : {}) }) };
    }
    case 'ssh': {
      const forward = await openSshForward(endpoint, timeoutMs);
      return { docker: make({ socketPath: forward.socket }), forward };
    }
  }
}

function isLoopback(endpoint: EngineEndpoint): boolean {
  switch (endpoint.scheme) {
    case 'unix': case 'npipe': return true;
    case 'ssh': return false; // another machine, as far as the address says
    case 'tcp': return ['localhost', '127.0.0.1', '[::1]', '::1'].includes(endpoint.host);
  }
}

/** The fix for an engine that does not answer, by how it was found. */
function fixFor(endpoint: EngineEndpoint, reason: string, forward?: SshForward): string | undefined {
  if (/EACCES|permission denied/i.test(reason) && endpoint.scheme !== 'ssh') return undefined; // the docker-group hint
  switch (endpoint.source) {
    case 'DOCKER_HOST':
      if (forward) {
        return `ssh logged in, but the engine behind it did not answer at ${REMOTE_SOCKET}: start Docker on ${new URL(endpoint.url).hostname} ` +
          'and let that user use its socket, or unset DOCKER_HOST to use the local engine.';
      }
      return undefined; // the DOCKER_HOST hint
    case 'DOCKER_CONTEXT':
      return `start the engine of ${endpoint.foundBy}, or unset DOCKER_CONTEXT.`;
    case 'config':
      return `start the engine of ${endpoint.foundBy}, or switch with \`docker context use default\`.`;
    case 'socket':
      return endpoint.tried
        ? `start Docker (sudo systemctl start docker, or open Docker Desktop, colima, Rancher Desktop or Podman), or set DOCKER_HOST to a running engine. Looked for: ${endpoint.tried.join(', ')}.`
        : undefined;
  }
}

/** Connects and asks the engine who it is; throws EngineUnreachableError (or EngineSettingsError) within timeoutMs. */
export async function connectEngine(timeoutMs = 10_000): Promise<EngineConnection> {
  const endpoint = resolveEngine();
  const target = endpoint.url;
  const started = Date.now();
  const opened = await open(endpoint, timeoutMs);
  const close = async () => { await opened.forward?.close(); };
  const { docker } = opened;
  let timer: NodeJS.Timeout | undefined;
  try {
    const left = Math.max(1000, timeoutMs - (Date.now() - started));
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new NoAnswerError(timeoutMs)), left);
    });
    const [info, version] = await Promise.race([Promise.all([docker.info(), docker.version()]), timeout]);
    const kernel = String(info.KernelVersion ?? '');
    const os = String(info.OperatingSystem ?? '');
    let location: EngineLocation = 'local';
    if (!isLoopback(endpoint)) location = 'remote';
    else if (process.platform !== 'linux' || /Docker Desktop/i.test(os) || kernel !== release()) location = 'vm';
    return {
      docker,
      close,
      info: {
        target, foundBy: endpoint.foundBy, version: String(version.Version), apiVersion: String(version.ApiVersion), os, kernel,
        arch: String(info.Architecture ?? ''), location,
      },
    };
  } catch (err) {
    await close();
    // A system error by its code (ECONNREFUSED…); our own (no answer in time) by its words.
    let reason = err instanceof Error && !(err instanceof LabvisorError) ? (err as NodeJS.ErrnoException).code ?? err.message : errorMessage(err);
    if (reason === 'ENOENT') reason = 'no such socket (ENOENT)';
    const said = opened.forward?.lastError();
    if (said) reason += ` (ssh: ${said})`;
    const fix = fixFor(endpoint, reason, opened.forward);
    const context = endpoint.source === 'DOCKER_CONTEXT' || endpoint.source === 'config';
    throw new EngineUnreachableError(target, reason, { ...(fix ? { fix } : {}), ...(context ? { foundBy: endpoint.foundBy } : {}) });
  } finally {
    clearTimeout(timer);
  }
}
