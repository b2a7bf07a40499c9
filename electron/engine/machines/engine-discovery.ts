// Where the Docker engine is, worked out as the docker CLI does, without connecting:
// DOCKER_HOST; else DOCKER_CONTEXT; else the CLI's current context (config.json); else the
// usual local sockets (Docker Engine, Docker Desktop, rootless, colima, Rancher Desktop, OrbStack,
// Podman) or Windows' named pipe. Reads only files (config.json, a context's meta.json, whether a
// socket or TLS file exists); every setting that cannot work is an EngineSettingsError naming it.
// An address is read in engine-endpoint.ts.
import { EngineSettingsError } from '../errors.js';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, posix } from 'node:path';
import { parseEngineUrl, type EngineEndpoint, type EngineTls } from './engine-endpoint.js';

/** What resolution depends on; tests pass their own. */
export interface DiscoveryInput {
  env: Record<string, string | undefined>;
  home: string;
  platform: NodeJS.Platform;
  /** Whether an engine socket (or pipe) is there; default: it exists on this machine. */
  socketExists?: (path: string) => boolean;
}

const current = (): DiscoveryInput => ({ env: process.env, home: homedir(), platform: process.platform });
const socketThere = (input: DiscoveryInput, path: string) => (input.socketExists ?? existsSync)(path);

/** The engine the docker CLI would use here. Throws EngineSettingsError for a setting that cannot work. */
export function resolveEngine(input: DiscoveryInput = current()): EngineEndpoint {
  const { env } = input;
  if (env.DOCKER_HOST) {
    return parseEngineUrl(env.DOCKER_HOST, { foundBy: 'DOCKER_HOST', source: 'DOCKER_HOST' }, `DOCKER_HOST=${env.DOCKER_HOST}`, () => tlsFromEnv(input));
  }
  const context = currentContext(input);
  if (context && context.name !== 'default') return fromContext(context.name, context.source, input);
  return localSocket(input);
}

/** A context's folder name in the docker CLI's store: the SHA-256 of its name, in hex. */
export const contextDigest = (name: string): string => createHash('sha256').update(name).digest('hex');

/** The docker CLI's config folder: DOCKER_CONFIG, else ~/.docker. */
export const dockerConfigDir = (input: DiscoveryInput): string => input.env.DOCKER_CONFIG || join(input.home, '.docker');

/** A path as people read it: the home folder as ~. */
export function tilde(path: string, home: string): string {
  return home && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;
}

function readJson(file: string, what: string, home: string): Record<string, unknown> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new EngineSettingsError(file, `${tilde(file, home)} (${what}) cannot be read: ${(err as Error).message}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (value && typeof value === 'object' && !Array.isArray(value)) return value as Record<string, unknown>;
    throw new Error('not a JSON object');
  } catch (err) {
    throw new EngineSettingsError(file, `${tilde(file, home)} (${what}) is not valid JSON: ${(err as Error).message}; fix or remove it`);
  }
}

interface ContextChoice { name: string; source: { source: 'DOCKER_CONTEXT' | 'config'; foundBy: string; label: string } }

function currentContext(input: DiscoveryInput): ContextChoice | undefined {
  const name = input.env.DOCKER_CONTEXT;
  if (name) return { name, source: { source: 'DOCKER_CONTEXT', foundBy: `DOCKER_CONTEXT=${name}`, label: `DOCKER_CONTEXT=${name}` } };
  const file = join(dockerConfigDir(input), 'config.json');
  const config = readJson(file, 'the docker CLI\'s config', input.home);
  const fromFile = config?.currentContext;
  if (typeof fromFile !== 'string' || !fromFile) return undefined;
  const where = tilde(file, input.home);
  return { name: fromFile, source: { source: 'config', foundBy: `docker context "${fromFile}" (${where})`, label: `docker context "${fromFile}" (currentContext in ${where})` } };
}

function fromContext(name: string, choice: ContextChoice['source'], input: DiscoveryInput): EngineEndpoint {
  const dir = dockerConfigDir(input);
  const digest = contextDigest(name);
  const metaFile = join(dir, 'contexts', 'meta', digest, 'meta.json');
  const meta = readJson(metaFile, `docker context "${name}"`, input.home);
  if (!meta) {
    throw new EngineSettingsError(`context ${name}`, choice.source === 'DOCKER_CONTEXT'
      ? `DOCKER_CONTEXT=${name}: no such context; \`docker context ls\` lists them (or unset DOCKER_CONTEXT)`
      : `${choice.label}: no such context; \`docker context ls\` lists them, \`docker context use default\` goes back to the local engine`);
  }
  const endpoints = meta.Endpoints as Record<string, { Host?: unknown; SkipTLSVerify?: unknown } | undefined> | undefined;
  const docker = endpoints?.docker;
  if (!docker || typeof docker.Host !== 'string' || !docker.Host) {
    throw new EngineSettingsError(`context ${name}`, `docker context "${name}" has no docker endpoint (Endpoints.docker.Host in ${tilde(metaFile, input.home)}); recreate it with \`docker context create\``);
  }
  const label = `docker context "${name}"`;
  const endpoint = parseEngineUrl(docker.Host, { foundBy: choice.foundBy, source: choice.source }, label,
    () => contextTls(join(dir, 'contexts', 'tls', digest, 'docker'), docker.SkipTLSVerify === true, label, input.home));
  if (endpoint.scheme === 'unix' && !socketThere(input, endpoint.path)) {
    const fix = choice.source === 'DOCKER_CONTEXT' ? 'unset DOCKER_CONTEXT' : 'run `docker context use default`';
    throw new EngineSettingsError(endpoint.url, `${label} points at ${endpoint.url} which does not exist; ${fix} or start the engine`);
  }
  return endpoint;
}

/**
 * TLS for DOCKER_HOST=tcp://…, as the docker CLI: DOCKER_TLS_VERIFY (any value) verifies the
 * server and needs ca.pem, cert.pem and key.pem in DOCKER_CERT_PATH (default ~/.docker);
 * DOCKER_TLS alone encrypts without verifying, with whichever of those files exist.
 */
function tlsFromEnv(input: DiscoveryInput): EngineTls | undefined {
  const { env, home } = input;
  const verify = Boolean(env.DOCKER_TLS_VERIFY);
  if (!verify && !env.DOCKER_TLS) return undefined;
  const dir = env.DOCKER_CERT_PATH || join(home, '.docker');
  const where = env.DOCKER_CERT_PATH ? `DOCKER_CERT_PATH=${env.DOCKER_CERT_PATH}` : `DOCKER_CERT_PATH is unset, so ${tilde(dir, home)}`;
  const files = { ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') };
  const tls: EngineTls = { verify };
  for (const [k, file] of Object.entries(files) as Array<[keyof typeof files, string]>) {
    if (existsSync(file)) tls[k] = file;
    else if (verify) {
      throw new EngineSettingsError(file, `DOCKER_TLS_VERIFY is set but ${tilde(file, home)} does not exist (${where}); ` +
        'point DOCKER_CERT_PATH at the folder with ca.pem, cert.pem and key.pem, or unset DOCKER_TLS_VERIFY');
    }
  }
  pairOrNone(tls, where, home);
  return tls;
}

/** A context's TLS: the files its tls folder holds; SkipTLSVerify alone still means TLS. */
function contextTls(dir: string, skipVerify: boolean, label: string, home: string): EngineTls | undefined {
  const tls: EngineTls = { verify: !skipVerify };
  for (const k of ['ca', 'cert', 'key'] as const) {
    const file = join(dir, `${k}.pem`);
    if (existsSync(file)) tls[k] = file;
  }
  if (!tls.ca && !tls.cert && !tls.key && !skipVerify) return undefined;
  pairOrNone(tls, `${label}'s TLS folder ${tilde(dir, home)}`, home);
  return tls;
}

function pairOrNone(tls: EngineTls, where: string, home: string): void {
  if (Boolean(tls.cert) === Boolean(tls.key)) return;
  const [have, missing] = tls.cert ? [tls.cert, tls.cert.replace(/cert\.pem$/, 'key.pem')] : [tls.key!, tls.key!.replace(/key\.pem$/, 'cert.pem')];
  throw new EngineSettingsError(missing, `${tilde(missing, home)} does not exist, but ${tilde(have, home)} does (${where}); a client certificate needs both`);
}

interface Candidate { path: string; foundBy: string }

/** The usual local engine sockets, most common first. Exported for the docs and tests. */
export function localCandidates(input: DiscoveryInput): Candidate[] {
  if (input.platform === 'win32') {
    return [
      { path: '//./pipe/docker_engine', foundBy: 'Docker Desktop named pipe //./pipe/docker_engine' },
      { path: '//./pipe/podman-machine-default', foundBy: 'Podman machine named pipe //./pipe/podman-machine-default' },
    ];
  }
  const home = input.home;
  const at = (...parts: string[]) => posix.join(home, ...parts);
  const runtime = input.env.XDG_RUNTIME_DIR;
  return [
    { path: '/var/run/docker.sock', foundBy: 'default socket /var/run/docker.sock' },
    { path: at('.docker', 'run', 'docker.sock'), foundBy: 'Docker Desktop socket' },
    ...(runtime ? [{ path: posix.join(runtime, 'docker.sock'), foundBy: 'rootless Docker socket ($XDG_RUNTIME_DIR/docker.sock)' }] : []),
    { path: at('.colima', 'default', 'docker.sock'), foundBy: 'colima socket' },
    { path: at('.colima', 'docker.sock'), foundBy: 'colima socket' },
    { path: at('.rd', 'docker.sock'), foundBy: 'Rancher Desktop socket' },
    { path: at('.orbstack', 'run', 'docker.sock'), foundBy: 'OrbStack socket' },
    ...(runtime ? [{ path: posix.join(runtime, 'podman', 'podman.sock'), foundBy: 'Podman socket ($XDG_RUNTIME_DIR/podman/podman.sock)' }] : []),
    { path: '/run/podman/podman.sock', foundBy: 'Podman socket /run/podman/podman.sock' },
    { path: at('.local', 'share', 'containers', 'podman', 'machine', 'podman.sock'), foundBy: 'Podman machine socket' },
    { path: at('.local', 'share', 'containers', 'podman', 'machine', 'qemu', 'podman.sock'), foundBy: 'Podman machine socket' },
  ];
}

function localSocket(input: DiscoveryInput): EngineEndpoint {
  const candidates = localCandidates(input);
  const hit = candidates.find((c) => socketThere(input, c.path));
  const scheme = input.platform === 'win32' ? 'npipe' : 'unix';
  const chosen = hit ?? candidates[0]!;
  return {
    url: `${scheme}://${chosen.path}`, scheme, path: chosen.path, foundBy: chosen.foundBy, source: 'socket',
    ...(hit ? {} : { tried: candidates.map((c) => tilde(c.path, input.home)) }),
  };
}
