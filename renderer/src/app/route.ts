// The page's place lives in the hash ("#/", "#/lab/volume-backup"), which works the same over
// http and in Electron's file:// window. Pure.
import { LAB_NAME_PATTERN } from '../../../electron/shared/ids.js';
import { parseRecordingHash, recordingHash } from '../recordings/recording-route.js';

const LAB_HASH = new RegExp(`^#/lab/(${LAB_NAME_PATTERN})/?$`);

export type Route = { page: 'catalog' } | { page: 'lab'; lab: string } | { page: 'recordings'; id?: string };

export function parseRoute(hash: string): Route {
  const recordings = parseRecordingHash(hash);
  if (recordings) return { page: 'recordings', ...recordings };
  const m = LAB_HASH.exec(hash);
  return m ? { page: 'lab', lab: m[1]! } : { page: 'catalog' };
}

export function routeHash(route: Route): string {
  if (route.page === 'recordings') return recordingHash(route.id);
  return route.page === 'lab' ? `#/lab/${route.lab}` : '#/';
}
