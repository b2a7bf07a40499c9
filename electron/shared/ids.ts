// The shapes of names and ids, and the terminal size limit, that the lab format, the engine, the
// API and the UI all check: written once here so that no two of them can drift apart. Shared with
// the renderer: zod only, never a Node module.
import { z } from 'zod';

// The patterns without anchors, to build the longer shapes that contain them (a recording id, a
// route of the UI) from the same rule.
/** A lab format name: lab ids, machine, step and volume names, tags. */
export const LAB_NAME_PATTERN = '[a-z][a-z0-9-]{0,30}';
/** A session id, as the engine makes them. */
const SESSION_ID_PATTERN = '[a-z0-9]{8}';

const LAB_NAME = new RegExp(`^${LAB_NAME_PATTERN}$`);
const LAB_NAME_RULE = 'must be lowercase letters, digits and dashes, starting with a letter (at most 31)';
export const labName = z.string().regex(LAB_NAME, LAB_NAME_RULE);

export const SESSION_ID = new RegExp(`^${SESSION_ID_PATTERN}$`);
export const sessionId = z.string().regex(SESSION_ID, 'must be a session id (8 lowercase letters or digits)');

/** Terminal ids are made by the engine: `t-` and 12 hex digits. */
export const terminalId = z.string().regex(/^t-[0-9a-f]{12}$/, 'must be a terminal id (t- and 12 hex digits)');

/** A recording's folder: the lab, the session and when it started. Groups: lab, session, time. */
export const RECORDING_ID = new RegExp(`^(${LAB_NAME_PATTERN})-(${SESSION_ID_PATTERN})-(\\d{8}T\\d{6}Z)$`);
export const RECORDING_ID_SHAPE = '<lab>-<session>-<YYYYMMDDTHHMMSSZ>';
export const recordingIdSchema = z.string().regex(RECORDING_ID, `must be a recording id (${RECORDING_ID_SHAPE})`);

/** A terminal's recording: `<machine>.cast` or `<machine>-<n>.cast` (room for a machine name and its number). */
export const CAST_FILE = /^[a-z][a-z0-9-]{0,40}\.cast$/;
export const CAST_FILE_SHAPE = '<machine>.cast';
export const castFile = z.string().regex(CAST_FILE, `must be a recording file (${CAST_FILE_SHAPE})`);

/** Terminal sizes in character cells run from 1 to this, in columns and in rows. */
export const MAX_TERMINAL_CELLS = 1000;
export const terminalCells = z.number().int().min(1).max(MAX_TERMINAL_CELLS);
export const isTerminalCells = (n: unknown): n is number => terminalCells.safeParse(n).success;
