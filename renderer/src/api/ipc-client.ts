// The LabApi inside the Electron window: the preload's `window.labvisor` carries requests and
// events; each terminal arrives as a MessagePort in a window `message` event
// ({type: 'labvisor:terminal-port', channel}), carrying TerminalOut objects out and TerminalIn in.
import type { EventMessage, Method, Params, RequestMessage, ResponseMessage, Result } from '../../../electron/shared/api.js';
import type { TerminalIn, TerminalOut } from '../../../electron/shared/terminal-protocol.js';
import { ChannelTable } from './channel-table.js';
import { Listeners, isWebUrl, type ConnectionState, type LabClient, type TerminalLink, type TerminalSink } from './lab-client.js';
import { PendingRequests } from './pending-requests.js';

/** What electron/preload exposes. */
export interface PreloadApi {
  request(message: RequestMessage): Promise<ResponseMessage>;
  onEvent(listener: (event: EventMessage) => void): () => void;
  pickLabFolder(): Promise<string | undefined>;
  pickBundleFile(): Promise<string | undefined>;
  pathForFile(file: File): string;
}

declare global {
  interface Window { labvisor?: PreloadApi }
}

interface Attached { sink: TerminalSink; port?: MessagePort; outbox: TerminalIn[] }

export class IpcLabClient implements LabClient {
  readonly kind = 'electron' as const;
  readonly state: ConnectionState = 'open';
  private readonly pending = new PendingRequests();
  private readonly channels = new ChannelTable<Attached>();
  private readonly events = new Listeners<EventMessage>();

  constructor(private readonly preload: PreloadApi) {
    preload.onEvent((event) => this.events.emit(event));
    window.addEventListener('message', (e) => this.onWindowMessage(e));
  }

  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>> {
    const { id, promise } = this.pending.add(method);
    this.preload.request({ id, method, params } as RequestMessage).then(
      (response) => this.pending.settle(response),
      (err: Error) => this.pending.fail(id, err),
    );
    return promise as Promise<Result<M>>;
  }

  onEvent(listener: (event: EventMessage) => void): () => void { return this.events.add(listener); }
  // The IPC bridge lives as long as the window: there is no connection to lose.
  onState(): () => void { return () => {}; }

  async attach(terminal: string, sink: TerminalSink): Promise<TerminalLink> {
    const attached: Attached = { sink, outbox: [] };
    const channel = this.channels.add(attached);
    try {
      await this.call('attachTerminal', { terminal, channel });
    } catch (err) {
      this.channels.delete(channel);
      throw err;
    }
    const post = (frame: TerminalIn) => {
      if (attached.port) attached.port.postMessage(frame);
      else attached.outbox.push(frame);
    };
    return {
      input: (data) => post({ type: 'input', data }),
      resize: (cols, rows) => post({ type: 'resize', cols, rows }),
      detach: async () => {
        if (!this.channels.delete(channel)) return;
        attached.port?.close();
        await this.call('detachTerminal', { channel }).catch(() => {});
      },
    };
  }

  openExternal(url: string): void {
    // The shell routes window.open to the system browser (and refuses anything else).
    if (isWebUrl(url)) window.open(url, '_blank');
  }

  pickLabFolder(): Promise<string | undefined> { return this.preload.pickLabFolder(); }
  pickBundleFile(): Promise<string | undefined> { return this.preload.pickBundleFile(); }
  pathForFile(file: File): string { return this.preload.pathForFile(file); }

  private onWindowMessage(e: MessageEvent): void {
    if (e.source !== window) return;
    const data = e.data as { type?: unknown; channel?: unknown } | null;
    if (data?.type !== 'labvisor:terminal-port' || typeof data.channel !== 'number') return;
    const port = e.ports[0];
    const attached = this.channels.get(data.channel);
    if (!port) return;
    if (!attached) {
      port.close();
      return;
    }
    attached.port = port;
    port.onmessage = (m: MessageEvent<TerminalOut>) => {
      const frame = m.data;
      if (frame.type === 'exit') return attached.sink.exit(frame.code, frame.reason);
      const size = frame.data.byteLength;
      attached.sink.data(frame.data, () => port.postMessage({ type: 'ack', bytes: size } satisfies TerminalIn));
    };
    port.start();
    for (const frame of attached.outbox.splice(0)) port.postMessage(frame);
  }
}
