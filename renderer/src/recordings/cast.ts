// An asciicast v2 file (what the engine's recorder writes) read for playback. Long idle
// stretches are shortened, so a learner who paused for ten minutes does not make the viewer wait.
// Pure.
import { isTerminalCells, MAX_TERMINAL_CELLS } from '../../../electron/shared/ids.js';

/** A pause longer than this plays as this long (asciinema's idle_time_limit). */
export const IDLE_LIMIT_S = 2;

export interface CastEvent { at: number; code: 'o' | 'r' | 'm'; data: string }
export interface Cast {
  width: number;
  height: number;
  title?: string;
  /** In playback time (idle stretches shortened), in order. */
  events: CastEvent[];
  markers: { at: number; label: string }[];
  duration: number;
}

export class CastError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CastError';
  }
}

export function parseCast(text: string): Cast {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  if (!lines.length) throw new CastError('the recording is empty');
  const header = parseLine(lines[0]!, 1) as Record<string, unknown> | null;
  if (!header || typeof header !== 'object' || header.version !== 2) throw new CastError('line 1: not an asciicast v2 header ("version": 2)');
  const width = header.width, height = header.height;
  if (!isTerminalCells(width) || !isTerminalCells(height)) throw new CastError(`line 1: the header needs "width" and "height" from 1 to ${MAX_TERMINAL_CELLS}`);
  const events: CastEvent[] = [];
  let last = 0, shifted = 0;
  lines.slice(1).forEach((line, i) => {
    const e = parseLine(line, i + 2);
    // A line cut by a crash ends the recording there.
    if (!Array.isArray(e) || typeof e[0] !== 'number' || !['o', 'r', 'm'].includes(e[1] as string) || typeof e[2] !== 'string') return;
    const at = Math.max(e[0], last);
    shifted += Math.min(at - last, IDLE_LIMIT_S);
    last = at;
    events.push({ at: shifted, code: e[1] as CastEvent['code'], data: e[2] });
  });
  return {
    width, height, ...(typeof header.title === 'string' ? { title: header.title } : {}),
    events, markers: events.filter((e) => e.code === 'm').map((e) => ({ at: e.at, label: e.data })),
    duration: events.at(-1)?.at ?? 0,
  };
}

/** "COLSxROWS" of a resize event, or undefined when it is not one. */
export function parseSize(data: string): { cols: number; rows: number } | undefined {
  const m = /^(\d{1,4})x(\d{1,4})$/.exec(data);
  if (!m) return undefined;
  const cols = Number(m[1]), rows = Number(m[2]);
  return isTerminalCells(cols) && isTerminalCells(rows) ? { cols, rows } : undefined;
}

/** m:ss */
export function formatTime(seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

function parseLine(line: string, n: number): unknown {
  try {
    return JSON.parse(line);
  } catch {
    if (n === 1) throw new CastError('line 1: not JSON');
    return null;
  }
}
