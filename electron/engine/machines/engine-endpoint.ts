// An engine's address as the docker CLI writes it (unix://, npipe://, tcp://, ssh://, or a bare
// HOST:PORT), read into the endpoint Labvisor connects to; a setting that cannot work is an
// EngineSettingsError naming it.
import { EngineSettingsError } from '../errors.js';

/** TLS for a tcp:// engine: file paths (read when connecting) and whether the server is verified. */
export interface EngineTls { verify: boolean; ca?: string; cert?: string; key?: string }

interface Found {
  /** The address as the docker CLI writes it: unix:///…, npipe:////./pipe/…, tcp://h:p, ssh://u@h:p. */
  url: string;
  /** How it was found, for people: "DOCKER_HOST", "docker context \"x\" (~/.docker/config.json)", "Docker Desktop socket". */
  foundBy: string;
  /** What set it: the variable, a context (by DOCKER_CONTEXT or config.json), or a socket looked for. */
  source: 'DOCKER_HOST' | 'DOCKER_CONTEXT' | 'config' | 'socket';
  /** For source `socket` when none was there: every socket looked for. */
  tried?: string[];
}

export type EngineEndpoint = Found & (
  | { scheme: 'unix' | 'npipe'; path: string }
  | { scheme: 'tcp'; host: string; port: number; tls?: EngineTls }
  | { scheme: 'ssh'; host: string; port?: number; user?: string }
);

/**
 * unix://PATH, npipe://PATH, tcp://HOST[:PORT], ssh://[USER@]HOST[:PORT], or a bare HOST:PORT
 * (tcp), as the docker CLI takes them. `label` names the setting in errors.
 */
export function parseEngineUrl(raw: string, found: Omit<Found, 'url'>, label: string, tls: () => EngineTls | undefined): EngineEndpoint {
  const value = raw.trim();
  const sep = value.indexOf('://');
  const scheme = sep < 0 ? 'tcp' : value.slice(0, sep).toLowerCase();
  const rest = sep < 0 ? value : value.slice(sep + 3);
  const bad = (why: string) => new EngineSettingsError(value, `${label}: ${why}`);
  switch (scheme) {
    case 'unix':
      if (!rest) throw bad('unix:// needs a socket path, as in unix:///var/run/docker.sock');
      return { ...found, url: `unix://${rest}`, scheme: 'unix', path: rest };
    case 'npipe': {
      const path = rest || '//./pipe/docker_engine';
      return { ...found, url: `npipe://${path}`, scheme: 'npipe', path };
    }
    case 'tcp': {
      const url = parseUrl(`tcp://${rest}`, bad);
      if (!url.hostname) throw bad('tcp:// needs a host, as in tcp://192.168.1.10:2376');
      if (url.pathname && url.pathname !== '/') throw bad(`a path after the host ("${url.pathname}") is not supported`);
      if (url.username || url.password) throw bad('tcp:// addresses take no user name or password');
      const settings = tls();
      const port = url.port ? Number(url.port) : settings ? 2376 : 2375;
      const host = url.hostname;
      return { ...found, url: `tcp://${host}:${port}`, scheme: 'tcp', host, port, ...(settings ? { tls: settings } : {}) };
    }
    case 'ssh': {
      const url = parseUrl(value, bad);
      if (!url.hostname) throw bad('ssh:// needs a host, as in ssh://user@host');
      if (url.password) throw bad('ssh:// addresses take no password; use a key (ssh-agent or ~/.ssh/config)');
      if (url.pathname && url.pathname !== '/') throw bad(`docker's ssh:// addresses take no path ("${url.pathname}"); the engine's socket there is /var/run/docker.sock`);
      if (url.hostname.startsWith('-') || url.username.startsWith('-')) throw bad('a host or user may not start with "-"');
      const user = url.username ? decodeURIComponent(url.username) : undefined;
      const port = url.port ? Number(url.port) : undefined;
      const url2 = `ssh://${user ? `${user}@` : ''}${url.hostname}${port ? `:${port}` : ''}`;
      return { ...found, url: url2, scheme: 'ssh', host: url.hostname, ...(port ? { port } : {}), ...(user ? { user } : {}) };
    }
    default:
      throw bad(`unsupported scheme "${scheme}://"; use unix://, npipe://, tcp:// or ssh://`);
  }
}

function parseUrl(text: string, bad: (why: string) => Error): URL {
  try {
    return new URL(text);
  } catch {
    throw bad('not an address the docker CLI would take');
  }
}
