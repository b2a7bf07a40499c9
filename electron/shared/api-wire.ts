// The LabApi over one WebSocket (`labvisor serve`): text frames carry JSON messages of api.ts
// (requests in; responses and events out), binary frames carry terminals (terminal-protocol.ts).
// Shared with the renderer: no Node modules (Uint8Array, DataView, TextEncoder only).
import type { TerminalIn, TerminalOut } from './terminal-protocol.js';

export const WS_PATH = '/ws';
/** The subprotocol the server selects; the page offers it beside `labvisor.token.<token>`. */
export const WS_PROTOCOL = 'labvisor';
export const TOKEN_PROTOCOL_PREFIX = 'labvisor.token.';
/** Where `--open`'s one-time code is traded for the token (POST). */
export const SESSION_PATH = '/session';
/** Largest WebSocket frame (text or binary) the server accepts; a larger one closes the socket with 1009. */
export const MAX_WEBSOCKET_FRAME_BYTES = 1024 * 1024;

/** Close codes the server uses, each with a reason text. */
export const CLOSE = {
  /** The server stops (Ctrl-C). */
  GOING_AWAY: 1001,
  /** A text frame that is not JSON. */
  INVALID_DATA: 1007,
  /** JSON that is not a request at all (no id or method), or a terminal frame that breaks the protocol. */
  POLICY: 1008,
  /** A frame over MAX_WEBSOCKET_FRAME_BYTES. */
  TOO_BIG: 1009,
} as const;

// ---- Binary terminal frames ------------------------------------------------------------------
// [u8 kind][u32 big-endian channel][payload]. A channel is a number the host gives a terminal
// of one connection when the UI opens it (through a JSON request); many terminals share the socket.

export const TERMINAL_FRAME = { DATA: 0, EXIT: 1, INPUT: 2, RESIZE: 3, ACK: 4 } as const;
const HEADER = 5;

function frame(kind: number, channel: number, payloadBytes: number): { bytes: Uint8Array; view: DataView } {
  if (!Number.isInteger(channel) || channel < 0 || channel > 0xffffffff) throw new RangeError(`bad terminal channel ${channel}`);
  const bytes = new Uint8Array(HEADER + payloadBytes);
  const view = new DataView(bytes.buffer);
  view.setUint8(0, kind);
  view.setUint32(1, channel);
  return { bytes, view };
}

function encode(channel: number, f: TerminalOut | TerminalIn): Uint8Array {
  switch (f.type) {
    case 'data': {
      const { bytes } = frame(TERMINAL_FRAME.DATA, channel, f.data.byteLength);
      bytes.set(f.data, HEADER);
      return bytes;
    }
    case 'input': {
      const data = new TextEncoder().encode(f.data);
      const { bytes } = frame(TERMINAL_FRAME.INPUT, channel, data.byteLength);
      bytes.set(data, HEADER);
      return bytes;
    }
    case 'exit': {
      const data = new TextEncoder().encode(JSON.stringify({ code: f.code, ...(f.reason !== undefined ? { reason: f.reason } : {}) }));
      const { bytes } = frame(TERMINAL_FRAME.EXIT, channel, data.byteLength);
      bytes.set(data, HEADER);
      return bytes;
    }
    case 'resize': {
      const { bytes, view } = frame(TERMINAL_FRAME.RESIZE, channel, 4);
      view.setUint16(HEADER, f.cols);
      view.setUint16(HEADER + 2, f.rows);
      return bytes;
    }
    case 'ack': {
      const { bytes, view } = frame(TERMINAL_FRAME.ACK, channel, 4);
      view.setUint32(HEADER, f.bytes);
      return bytes;
    }
  }
}

export const encodeTerminalOut = (channel: number, f: TerminalOut): Uint8Array => encode(channel, f);
export const encodeTerminalIn = (channel: number, f: TerminalIn): Uint8Array => encode(channel, f);

export class TerminalFrameError extends Error {}

function header(bytes: Uint8Array): { kind: number; channel: number; view: DataView } {
  if (bytes.byteLength < HEADER) throw new TerminalFrameError(`terminal frame of ${bytes.byteLength} bytes is shorter than its ${HEADER}-byte header`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { kind: view.getUint8(0), channel: view.getUint32(1), view };
}

/** UI side: a frame from the host. */
export function decodeTerminalOut(bytes: Uint8Array): { channel: number; frame: TerminalOut } {
  const { kind, channel } = header(bytes);
  const payload = bytes.subarray(HEADER);
  if (kind === TERMINAL_FRAME.DATA) return { channel, frame: { type: 'data', data: payload } };
  if (kind === TERMINAL_FRAME.EXIT) {
    const exit = JSON.parse(new TextDecoder().decode(payload)) as { code: number | null; reason?: string };
    return { channel, frame: { type: 'exit', code: exit.code, ...(exit.reason !== undefined ? { reason: exit.reason } : {}) } };
  }
  throw new TerminalFrameError(`terminal frame kind ${kind} does not go from host to UI`);
}

/** Host side: a frame from the UI, checked (a bad one throws TerminalFrameError). */
export function decodeTerminalIn(bytes: Uint8Array): { channel: number; frame: TerminalIn } {
  const { kind, channel, view } = header(bytes);
  const size = bytes.byteLength - HEADER;
  if (kind === TERMINAL_FRAME.INPUT) {
    const data = new TextDecoder('utf-8', { fatal: false }).decode(bytes.subarray(HEADER));
    return { channel, frame: { type: 'input', data } };
  }
  if (kind === TERMINAL_FRAME.RESIZE && size === 4) return { channel, frame: { type: 'resize', cols: view.getUint16(HEADER), rows: view.getUint16(HEADER + 2) } };
  if (kind === TERMINAL_FRAME.ACK && size === 4) return { channel, frame: { type: 'ack', bytes: view.getUint32(HEADER) } };
  throw new TerminalFrameError(`bad terminal frame from the UI: kind ${kind} with ${size} payload bytes`);
}
