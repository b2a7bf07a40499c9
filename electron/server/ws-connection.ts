// One WebSocket of `labvisor serve`: JSON text frames are requests (answered, in any order, by
// id) and every event of the host goes out to it; binary frames carry the terminals this
// connection attached (api-wire.ts). A frame that breaks the rules closes the socket with a
// code and a reason; the server, its other connections and the terminals go on.
import type { RawData, WebSocket } from 'ws';
import { CLOSE, decodeTerminalIn, encodeTerminalOut, TerminalFrameError } from '../shared/api-wire.js';
import type { ServerMessage } from '../shared/api.js';
import { connectionApi } from '../host-common/connection-api.js';
import { dispatch } from '../host-common/dispatch.js';
import type { HostApi } from '../host-common/lab-host.js';
import { SERVER_BOOT } from './server-identity.js';
import { BadTerminalFrameError, TerminalChannels } from '../host-common/terminal-channels.js';

export interface ConnectionOptions {
  host: HostApi;
  log: (line: string) => void;
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

export function handleConnection(ws: WebSocket, { host, log }: ConnectionOptions, name = 'ws'): void {
  const send = (message: ServerMessage): void => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const refuse = (code: number, why: string): void => {
    log(`${name}: closed with ${code}: ${why}`);
    ws.close(code, closeReason(why));
  };
  const channels = new TerminalChannels();
  const api = connectionApi(host, channels, (channel) => ({
    sink: (frame) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeTerminalOut(channel, frame));
      // A socket that is gone must not hold the terminal back: throwing detaches this listener.
      else throw new Error('socket closed');
    },
  }));
  const unsubscribe = host.onEvent(send);
  send({ type: 'event', event: 'server', server: { boot: SERVER_BOOT } }); // a page that knew another boot: the server restarted

  const onTerminalFrame = (data: Buffer): void => {
    try {
      const { channel, frame } = decodeTerminalIn(data);
      channels.receive(channel, frame);
    } catch (err) {
      if (err instanceof TerminalFrameError || err instanceof BadTerminalFrameError) refuse(CLOSE.POLICY, err.message);
      else refuse(CLOSE.POLICY, `terminal frame refused: ${(err as Error).message}`);
    }
  };

  ws.on('message', (raw, isBinary) => {
    const data = asBuffer(raw);
    if (isBinary) return onTerminalFrame(data);
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
  ws.on('close', () => {
    unsubscribe();
    channels.detachAll(); // the terminals keep running: a reloaded page re-attaches
  });
}
