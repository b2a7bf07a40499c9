// One WebSocket of `labvisor serve`: JSON text frames are requests (answered, in any order, by
// id) and every event of the host goes out to it. Binary frames are terminals' (api-wire.ts);
// until terminals are wired, one closes the socket. A frame that breaks the rules closes the
// socket with a code and a reason; the server and its other connections go on.
import type { RawData, WebSocket } from 'ws';
import { CLOSE } from '../shared/api-wire.js';
import type { EventMessage, LabApi, ServerMessage } from '../shared/api.js';
import { dispatch } from './dispatch.js';

export interface ApiHost extends LabApi {
  onEvent(listener: (event: EventMessage) => void): () => void;
}

export interface ConnectionOptions {
  api: ApiHost;
  log: (line: string) => void;
  /** Takes the connection's binary (terminal) frames; without it, a binary frame closes the socket. */
  onBinary?: (ws: WebSocket, data: Buffer) => void;
}

/** A close reason fits in 123 bytes of UTF-8. */
export function closeReason(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (Buffer.byteLength(oneLine) <= 123) return oneLine;
  let cut = oneLine.slice(0, 120);
  while (Buffer.byteLength(`${cut}…`) > 123) cut = cut.slice(0, -1);
  return `${cut}…`;
}

const asBuffer = (data: RawData): Buffer => Array.isArray(data) ? Buffer.concat(data) : Buffer.isBuffer(data) ? data : Buffer.from(data);

export function handleConnection(ws: WebSocket, { api, log, onBinary }: ConnectionOptions, name = 'ws'): void {
  const send = (message: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const refuse = (code: number, why: string): void => {
    log(`${name}: closed with ${code}: ${why}`);
    ws.close(code, closeReason(why));
  };
  const unsubscribe = api.onEvent(send);

  ws.on('message', (raw, isBinary) => {
    const data = asBuffer(raw);
    if (isBinary) {
      if (onBinary) onBinary(ws, data);
      else refuse(CLOSE.UNSUPPORTED, 'binary frames are for terminals, which this server does not serve yet');
      return;
    }
    let message: unknown;
    try {
      message = JSON.parse(data.toString('utf8'));
    } catch (err) {
      refuse(CLOSE.INVALID_DATA, `a text frame must be one JSON request: ${(err as Error).message}`);
      return;
    }
    void dispatch(api, message, (line) => log(`${name}: ${line}`)).then((d) => {
      if (d.kind === 'refuse') refuse(CLOSE.POLICY, d.reason);
      else send(d.response);
    });
  });
  // ws closes the socket itself on a protocol error (1009 for a frame over the limit, 1007 for bad UTF-8); say why here.
  ws.on('error', (err) => log(`${name}: ${err.message}`));
  ws.on('close', unsubscribe);
}
