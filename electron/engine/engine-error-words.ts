// What the Docker engine's refusals mean to a learner, in one sentence each with what to do.
// dockerode rejects with `(HTTP code 409) unexpected - Container 5b80… is not running`: a
// status code and an id nobody in a workshop can act on. Pure (no engine, no files), so the
// CLI, the API and the tests share it; error-words.ts adds the log for what it does not know.
import { engineSocketInWords, isEngineSocketError } from './engine-socket-words.js';

/**
 * Where the error happened, when the caller knows: the lab's machine and its container, or the
 * ports being published and their machines (the port relay publishes for several at once).
 */
export interface ErrorPlace { machine?: string; container?: string; ports?: Array<{ machine: string; host?: number }> }

/** A rejection from dockerode: the engine's HTTP status and its JSON body. */
export interface DockerError { statusCode: number; json?: unknown; reason?: string; message: string }

export function isDockerError(err: unknown): err is DockerError {
  return err instanceof Error && typeof (err as Partial<DockerError>).statusCode === 'number';
}

/** The engine's own words: json.message (a Buffer or a string when the body was not JSON), else the message without dockerode's `(HTTP code N) reason - ` prefix. */
export function engineMessage(err: DockerError): string {
  const json = err.json;
  if (json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string') return (json as { message: string }).message.trim();
  if (typeof json === 'string' && json.trim()) return json.trim();
  if (json instanceof Uint8Array && json.length) return Buffer.from(json).toString('utf8').trim();
  return err.message.replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '').trim();
}

const machineName = (p: ErrorPlace) => (p.machine ? `machine "${p.machine}"` : 'the machine');
const machineSubject = (p: ErrorPlace, otherwise: string) => (p.machine ? `Machine "${p.machine}"` : otherwise);

/** The port the engine could not bind, named with the machine it is for when the place says. */
function portTaken(port: string, p: ErrorPlace): string {
  const machines = (p.ports ?? []).filter((x) => String(x.host) === port).map((x) => `machine "${x.machine}"`);
  return `The lab cannot publish port ${port}${machines.length ? ` (${machines.join(', ')})` : ''}: already in use on the Docker host; ` +
    'stop what uses it there (or the lab that does), then Start over.';
}

/** What a refused container setup was not allowed to do: the step before runc's "operation not permitted". */
function notPermitted(said: string): string | undefined {
  if (!/OCI runtime create failed/i.test(said)) return undefined;
  const parts = said.split(/:\s+/);
  const at = parts.findIndex((x) => /^(operation not permitted|permission denied)/i.test(x));
  return at > 0 ? `${parts[at - 1]}: ${parts[at]}` : undefined;
}

type Rule = (said: string, status: number, place: ErrorPlace) => string | undefined;

// Order matters: the first rule that recognises the engine's words speaks.
const RULES: Rule[] = [
  (said, _s, p) => /is paused/i.test(said)
    ? `${machineName(p)} is paused: resume it${p.container ? ` (docker unpause ${p.container})` : ''} or Start over.` : undefined,
  (said, status, p) => (status === 409 && /not running|stopped|restarting/i.test(said)) || /is not running/i.test(said)
    ? `${machineName(p)} is not running: start it again${p.container ? ` (docker start ${p.container})` : ''} or Start over.` : undefined,
  // The container stopped between the exec's create and its start (a check polled as the learner stopped it).
  (said, _s, p) => /no such exec instance/i.test(said)
    ? `${machineName(p)} stopped while a command was starting in it: start it again${p.container ? ` (docker start ${p.container})` : ''} or Start over.` : undefined,
  (said, _s, p) => /no such container/i.test(said)
    ? `${machineName(p)} is gone (its container was removed): Start over to make it again.` : undefined,
  (said, _s, p) => {
    const m = /range of cpus is from [\d.]+ to ([\d.]+), as there (?:is|are) only (\d+) cpus? available/i.exec(said);
    return m ? `${machineSubject(p, 'This lab')} asks for more CPUs than the Docker engine has (${m[2]}): give the engine more CPUs, or lower cpus in the lab's lab.yaml to ${Number(m[1])} or less.` : undefined;
  },
  (said, _s, p) => {
    const m = /minimum memory limit allowed is (\d+\s*[kmg]?i?b)/i.exec(said);
    return m ? `${machineSubject(p, 'A machine')} asks for less memory than the Docker engine's minimum (${m[1]}): raise memoryMb in the lab's lab.yaml.` : undefined;
  },
  (said) => /memory.*(exceeds|more than).*(available|host)/i.test(said)
    ? 'This lab asks for more memory than the Docker engine has: give the engine more memory, or lower the lab\'s memoryMb.' : undefined,
  (said, _s, p) => {
    const m = /bind for [^ ]*?:(\d+) failed: port is already allocated|listen tcp[^ ]* [^ ]*?:(\d+): bind: address already in use/i.exec(said);
    return m ? portTaken(m[1] ?? m[2]!, p) : undefined;
  },
  (said) => /no space left on device/i.test(said)
    ? 'The Docker engine\'s disk is full: free space (docker system prune), then try again.' : undefined,
  (said) => {
    const m = /container name "\/?([^"]+)" is already in use/i.exec(said);
    return m ? `A container named ${m[1]} already exists: stop the lab that made it (labvisor stop), or remove it (docker rm -f ${m[1]}).` : undefined;
  },
  (said) => {
    const m = /no such image: ([^\s]+?)(?::?\s|$)|pull access denied for ([^\s,]+)/i.exec(said);
    return m ? `The image ${m[1] ?? m[2]} is not on the Docker engine: Start over to build it again.` : undefined;
  },
  (said) => {
    const m = /(?:get|remove) ([^\s:]+): no such volume/i.exec(said);
    return m ? `The volume ${m[1]} is gone from the Docker engine (removed outside Labvisor): Start over to make it again.` : undefined;
  },
  (said) => {
    const m = /remove ([^\s:]+): volume is in use/i.exec(said);
    return m ? `The volume ${m[1]} is still used by a container: remove that container first (docker ps -a --filter volume=${m[1]}), then try again.` : undefined;
  },
  (said) => {
    const m = /network ([^\s]+) id [0-9a-f]+ has active endpoints/i.exec(said);
    return m ? `The network ${m[1]} still has containers on it: remove them first (docker ps -a --filter network=${m[1]}), then try again.` : undefined;
  },
  (said) => {
    const m = /^network ([^\s]+) not found/i.exec(said);
    return m ? `The lab's network ${m[1]} is gone from the Docker engine (removed outside Labvisor): Start over to make it again.` : undefined;
  },
  (said, _s, p) => {
    const m = /adding custom device "([^"]+)": no such file or directory/i.exec(said);
    return m ? `${machineSubject(p, 'A machine')} needs the device ${m[1]}, which the Docker host does not have: run the lab on an engine whose host has it.` : undefined;
  },
  (said, _s, p) => {
    const what = notPermitted(said);
    return what ? `${machineSubject(p, 'A machine')} could not start, the Docker engine was not allowed to set it up (${what}): run the lab on an engine with full privileges (not rootless, not inside another container).` : undefined;
  },
];

/** The engine refused (dockerode's rejection) or stopped answering (its socket's system error). */
export function isEngineError(err: unknown): boolean {
  return isDockerError(err) || isEngineSocketError(err);
}

/** The sentence for an engine refusal (or an engine that stopped answering) this module knows, or undefined. */
export function engineErrorInWords(err: unknown, place: ErrorPlace = {}): string | undefined {
  if (!isDockerError(err)) return engineSocketInWords(err);
  const said = engineMessage(err);
  for (const rule of RULES) {
    const words = rule(said, err.statusCode, place);
    if (words) return words;
  }
  return undefined;
}
