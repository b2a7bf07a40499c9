// The terminal frame protocol, one for both hosts (Electron MessagePorts and the WebSocket):
// out of the engine: data, exit; into it: input, resize, ack. Types only: the renderer uses it too.

/** Engine → UI. `data` is raw terminal output; `exit` comes after the last data. */
export type TerminalOut =
  | { type: 'data'; data: Uint8Array }
  | { type: 'exit'; code: number | null; reason?: string };

/** UI → engine. `ack` tells how many bytes of `data` the UI has rendered (flow control). */
export type TerminalIn =
  | { type: 'input'; data: string }
  | { type: 'resize'; cols: number; rows: number }
  | { type: 'ack'; bytes: number };

/** Flow control: the source pauses above HIGH unacknowledged bytes and resumes below LOW. */
export const FLOW = { HIGH: 100 * 1024, LOW: 10 * 1024 } as const;

/** Bytes of output kept per terminal and replayed when a UI (re)attaches. */
export const SCROLLBACK_BYTES = 256 * 1024;

/** Largest `input` frame: a big paste, not a file transfer. */
export const MAX_INPUT_CHARS = 256 * 1024;
