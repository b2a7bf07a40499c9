// The page's place lives in the hash ("#/", "#/lab/volume-backup"), which works the same over
// http and in Electron's file:// window. Pure.
import { parseRecordingHash, recordingHash } from '../recordings/recording-route.js';

export type Route = { page: 'catalog' } | { page: 'lab'; lab: string } | { page: 'recordings'; id?: string };

export function parseRoute(hash: string): Route {
  const recordings = parseRecordingHash(hash);
  if (recordings) return { page: 'recordings', ...recordings };
  const m = /^#\/lab\/([a-z][a-z0-9-]{0,30})\/?$/.exec(hash);
  return m ? { page: 'lab', lab: m[1]! } : { page: 'catalog' };
}

export function routeHash(route: Route): string {
  if (route.page === 'recordings') return recordingHash(route.id);
  return route.page === 'lab' ? `#/lab/${route.lab}` : '#/';
}
