// Where the recordings page lives in the hash: "#/recordings" and "#/recordings/<id>". Pure.
import { RECORDING_ID } from '../../../electron/shared/ids.js';

/** The recording a hash names: undefined for the list, null when the hash is not the recordings page. */
export function parseRecordingHash(hash: string): { id?: string } | null {
  const m = /^#\/recordings(?:\/([^/]*))?\/?$/.exec(hash);
  if (!m) return null;
  return m[1] && RECORDING_ID.test(m[1]) ? { id: m[1] } : {};
}

export function recordingHash(id?: string): string {
  return id ? `#/recordings/${id}` : '#/recordings';
}
