// Terminal frames from a UI, checked where they arrive as objects (Electron MessagePorts; the
// WebSocket's binary frames are checked by their decoder in api-wire.ts). Shared with the renderer.
import { z } from 'zod';
import type { Fits } from './fits.js';
import { terminalCells } from './ids.js';
import { MAX_INPUT_CHARS, type TerminalIn } from './terminal-protocol.js';

export const TerminalInFrame = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('input'), data: z.string().max(MAX_INPUT_CHARS) }),
  z.strictObject({ type: z.literal('resize'), cols: terminalCells, rows: terminalCells }),
  z.strictObject({ type: z.literal('ack'), bytes: z.number().int().min(0).max(0xffffffff) }),
]);

// The schema and the protocol's type must describe the same frames (checked by tsc).
export type _FrameFitsProtocol = [Fits<z.infer<typeof TerminalInFrame>, TerminalIn>, Fits<TerminalIn, z.infer<typeof TerminalInFrame>>];
