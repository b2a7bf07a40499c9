// Names of a session's Docker resources. Everything a session owns starts with `lv-<session>`,
// so cleanup also finds what a learner made by hand under those names (without our labels).
import { randomBytes } from 'node:crypto';
import { SESSION_ID } from '../../shared/ids.js';

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export function newSessionId(): string {
  const bytes = randomBytes(8);
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

export const isSessionId = (s: string): boolean => SESSION_ID.test(s);

export const sessionPrefix = (session: string): string => `lv-${session}`;
export const containerName = (session: string, machine: string): string => `lv-${session}-${machine}`;
export const volumeName = (session: string, volume: string): string => `lv-${session}-${volume}`;
export const networkName = (session: string): string => `lv-${session}`;
// Our own resources beside the lab's use "_", which lab names cannot contain: no clash with a machine.
/** The routed network for outbound machines and the port relay; the lab's own network has no route out. */
export const egressNetworkName = (session: string): string => `lv-${session}_egress`;
export const portRelayName = (session: string): string => `lv-${session}_ports`;
export const keptMarkerName = (session: string): string => `lv-${session}_kept`;

/** Environment variable suffix for a lab name: "web-app" → "WEB_APP". */
export const envName = (name: string): string => name.toUpperCase().replace(/-/g, '_');
