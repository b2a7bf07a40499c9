// Who owns a Docker resource: this process, identified so that a reused PID is not mistaken
// for a live owner. Recorded in the `io.labvisor.owner` label as `host/pid/start`, where host
// also names the PID namespace on Linux: a client in a container or another namespace has PIDs
// that mean nothing here, so its resources are never judged by them.
import { readFileSync, readlinkSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { hostname } from 'node:os';

export interface Owner { host: string; pid: number; start: string }

/** Process start time: clock ticks since boot on Linux, `ps` elsewhere; '' when unknown. */
export function processStartTime(pid: number): string | undefined {
  try {
    if (process.platform === 'linux') {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // The command name (field 2) may contain spaces and parentheses: split after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      return fields[19]; // field 22 overall: starttime
    }
    const out = execFileSync('ps', ['-o', 'lstart=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return out ? out.replace(/\s+/g, '_') : undefined;
  } catch {
    return undefined;
  }
}

/** This machine and, on Linux, its PID namespace ("laptop" or "ci-runner@pid:[4026531836]"). */
export function ownerHost(): string {
  if (process.platform !== 'linux') return hostname();
  try {
    return `${hostname()}@${readlinkSync('/proc/self/ns/pid')}`;
  } catch {
    return hostname();
  }
}

let self: Owner | undefined;
export function currentOwner(): Owner {
  self ??= { host: ownerHost(), pid: process.pid, start: processStartTime(process.pid) ?? '' };
  return self;
}

export function formatOwner(o: Owner): string {
  return `${o.host}/${o.pid}/${o.start}`;
}

export function parseOwner(label: string | undefined): Owner | undefined {
  const m = label ? /^(.+)\/(\d+)\/([^/]*)$/.exec(label) : null;
  return m ? { host: m[1]!, pid: Number(m[2]), start: m[3]! } : undefined;
}

export type OwnerState = 'alive' | 'dead' | 'unknown';

/**
 * Whether the owner still runs. An owner on another host (a shared remote engine) or in another
 * PID namespace is 'unknown': we cannot tell, so gc leaves its resources alone unless told --all.
 */
export function ownerState(o: Owner | undefined): OwnerState {
  if (!o) return 'dead';
  if (o.host !== ownerHost()) return 'unknown';
  const start = processStartTime(o.pid);
  if (start === undefined) return 'dead';
  return o.start === '' || start === o.start ? 'alive' : 'dead';
}
