// The LabApi over `labvisor serve`'s WebSocket, opened with the page's token as a subprotocol
// (serve-token.ts). Text frames are JSON, binary frames are terminals (api-wire.ts). After a
// drop it reconnects with backoff, fails what was in flight, and re-attaches every terminal.
import { ApiError, type EventMessage, type Method, type Params, type Result, type ServerMessage } from '../../../electron/shared/api.js';
import { decodeTerminalOut, encodeTerminalIn, WS_PATH } from '../../../electron/shared/api-wire.js';
import type { TerminalIn } from '../../../electron/shared/terminal-protocol.js';
import { ChannelTable } from './channel-table.js';
import { Listeners, isWebUrl, type ConnectionState, type LabClient, type TerminalLink, type TerminalSink } from './lab-client.js';
import { ConnectionLostError, PendingRequests } from './pending-requests.js';
import { reconnectDelay } from './reconnect-delay.js';
import { wsProtocols } from './serve-token.js';

interface Attached { terminal: string; sink: TerminalSink }

export class WsLabClient implements LabClient {
  readonly kind = 'browser' as const;
  state: ConnectionState = 'connecting';
  private ws?: WebSocket;
  private attempts = 0;
  private everOpen = false;
  /** The server's boot id, from the `server` event every connection starts with. */
  private boot?: string;
  serverRestarts = 0;
  private readonly queued: string[] = [];
  private readonly pending = new PendingRequests();
  private readonly channels = new ChannelTable<Attached>();
  private readonly events = new Listeners<EventMessage>();
  private readonly states = new Listeners<ConnectionState>();

  /** `token` is asked at every connect: a reconnect shows the token the tab holds then. */
  constructor(private readonly token: () => string, private readonly url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}${WS_PATH}`) {
    this.connect();
  }

  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    const { id, promise } = this.pending.add(method);
    const text = JSON.stringify({ id, method, params });
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(text);
    // Before the first connection, requests wait for it; after a drop they fail at once, so the
    // UI does not hang on a server that may never come back.
    else if (!this.everOpen) this.queued.push(text);
    else this.pending.fail(id, new ConnectionLostError(method, 'not connected'));
    return promise as Promise<Result<M>>;
  }

  onEvent(listener: (event: EventMessage) => void): () => void { return this.events.add(listener); }
  onState(listener: (state: ConnectionState) => void): () => void { return this.states.add(listener); }

  async attach(terminal: string, sink: TerminalSink): Promise<TerminalLink> {
    // Registered before asking: the scrollback may arrive before the response.
    const channel = this.channels.add({ terminal, sink });
    try {
      await this.call('attachTerminal', { terminal, channel });
    } catch (err) {
      this.channels.delete(channel);
      throw err;
    }
    return {
      input: (data) => this.sendFrame(channel, { type: 'input', data }),
      resize: (cols, rows) => this.sendFrame(channel, { type: 'resize', cols, rows }),
      detach: async () => {
        if (!this.channels.delete(channel)) return;
        await this.call('detachTerminal', { channel }).catch(() => {});
      },
    };
  }

  openExternal(url: string): void {
    if (isWebUrl(url)) window.open(url, '_blank', 'noopener,noreferrer');
  }

  private sendFrame(channel: number, frame: TerminalIn): void {
    if (this.ws?.readyState === WebSocket.OPEN && this.channels.get(channel)) this.ws.send(encodeTerminalIn(channel, frame));
  }

  private setState(state: ConnectionState): void {
    this.state = state;
    this.states.emit(state);
  }

  private connect(): void {
    const ws = new WebSocket(this.url, wsProtocols(this.token()));
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.attempts = 0;
      this.everOpen = true;
      for (const text of this.queued.splice(0)) ws.send(text);
      this.reattach();
      this.setState('open');
    };
    ws.onmessage = (e: MessageEvent<string | ArrayBuffer>) => {
      if (typeof e.data === 'string') this.onText(e.data);
      else this.onBinary(new Uint8Array(e.data));
    };
    ws.onclose = (e) => {
      if (this.ws !== ws) return;
      this.ws = undefined;
      this.pending.failAll(e.reason || `closed with code ${e.code}`);
      this.setState(this.everOpen ? 'reconnecting' : 'connecting');
      setTimeout(() => this.connect(), reconnectDelay(this.attempts++));
    };
  }

  private onText(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      console.error('Labvisor sent a text frame that is not JSON');
      return;
    }
    if (message.type === 'event' && message.event === 'server') this.heard(message.server.boot);
    if (message.type === 'event') this.events.emit(message);
    else if (!this.pending.settle(message) && !message.ok) console.error(`Labvisor refused a message: ${message.error.message}`);
  }

  private onBinary(bytes: Uint8Array): void {
    const { channel, frame } = decodeTerminalOut(bytes);
    const attached = this.channels.get(channel);
    if (!attached) return; // crossed a detach on the wire
    if (frame.type === 'exit') {
      attached.sink.exit(frame.code, frame.reason);
      return;
    }
    const size = frame.data.byteLength;
    attached.sink.data(frame.data, () => this.sendFrame(channel, { type: 'ack', bytes: size }));
  }

  /** Another boot id than the last: this reconnect reached a new server process (its labs ended with the old one). */
  private heard(boot: string): void {
    if (this.boot !== undefined && this.boot !== boot) {
      this.serverRestarts++;
      this.setState(this.state);
    }
    this.boot = boot;
  }

  /** A new socket knows none of our channels: attach each again (the server replays its scrollback). */
  private reattach(): void {
    for (const [channel, { terminal, sink }] of this.channels.entries()) {
      sink.reset();
      this.call('attachTerminal', { terminal, channel }).catch((err: Error) => {
        if (this.channels.get(channel)?.sink !== sink) return;
        if (err instanceof ConnectionLostError) return; // dropped again: the next open retries
        this.channels.delete(channel);
        sink.exit(null, err instanceof ApiError && err.code === 'not-found' ? 'this terminal is gone' : err.message);
      });
    }
  }
}
