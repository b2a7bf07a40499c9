// The Docker engine not answering in the middle of the work (it was stopped, or this user may
// not use its socket): dockerode rejects with Node's system error (`connect ECONNREFUSED`,
// `connect ENOENT /var/run/docker.sock`, `connect EACCES …`), which would otherwise be logged
// as unforeseen. Connecting in the first place is EngineUnreachableError's (errors.ts); this
// is the same news later on, while a lab starts or runs.

/** A failed connect to what is the engine's address: a unix socket, Windows' pipe, or the engine's usual TCP ports. */
interface ConnectError extends Error { code: string; syscall: 'connect'; address?: string; port?: number }

const ENGINE_ADDRESS = /\.sock$|docker|^\\\\\.\\pipe\\/i;
const ENGINE_PORTS = new Set([2375, 2376]);

export function isEngineSocketError(err: unknown): err is ConnectError {
  if (!(err instanceof Error)) return false;
  const e = err as Partial<ConnectError>;
  if (e.syscall !== 'connect' || typeof e.code !== 'string') return false;
  return ENGINE_ADDRESS.test(e.address ?? '') || ENGINE_PORTS.has(e.port ?? 0);
}

const DOCKER_GROUP = 'add your user to the "docker" group (sudo usermod -aG docker $USER, then log in again), or run as root';
const START_DOCKER = 'start Docker again (sudo systemctl start docker, or open Docker Desktop), then Start over';

/** The sentence for an engine that stopped answering, or undefined when `err` is something else. */
export function engineSocketInWords(err: unknown): string | undefined {
  if (!isEngineSocketError(err)) return undefined;
  const where = err.address ? `${err.address}${err.port ? `:${err.port}` : ''}` : 'its address';
  return err.code === 'EACCES'
    ? `This user may not use the Docker engine (permission denied on ${where}): ${DOCKER_GROUP}.`
    : `The Docker engine does not answer at ${where} (is it running?): ${START_DOCKER}.`;
}
