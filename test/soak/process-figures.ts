// What a long-lived server holds, read from /proc as `ps` and `ls /proc/PID/fd` would: resident
// memory, open file descriptors and, of those, sockets. Sampled after each cycle.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcessSample { rssKiB: number; fds: number; sockets: number }

export function sampleProcess(pid: number): ProcessSample {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const rss = /^VmRSS:\s+(\d+) kB$/m.exec(status);
  if (!rss) throw new Error(`/proc/${pid}/status has no VmRSS line`);
  let fds = 0;
  let sockets = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    fds++;
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`).startsWith('socket:')) sockets++;
    } catch { /* closed between the listing and the readlink */ }
  }
  return { rssKiB: Number(rss[1]), fds, sockets };
}

export interface Spread { first: number; last: number; max: number }

export function spread(values: number[]): Spread {
  if (!values.length) throw new Error('no samples');
  return { first: values[0]!, last: values.at(-1)!, max: Math.max(...values) };
}
