// `labvisor serve` as the tests use it: started as a person starts it (the CLI, a free port,
// the URL on stdout's first line, its token in the fragment) and spoken to over its WebSocket
// the way the renderer does — the token as a subprotocol, JSON requests and events, binary
// terminal frames per channel.
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { WebSocket } from 'ws';
import { decodeTerminalOut, encodeTerminalIn } from '../../electron/shared/api-wire.js';
import type { EventMessage, ResponseMessage } from '../../electron/shared/api.js';
import type { TerminalIn, TerminalOut } from '../../electron/shared/terminal-protocol.js';
import { firstStdoutLine, startCli, type CliProcess } from './support.js';
import { plainText, waitForText } from './terminal-text.js';

export interface Served { child: CliProcess; url: URL; port: number; token: string; origin: string }

export async function serve(): Promise<Served> {
  const child = startCli(['serve', '--port', '0']);
  const line = await firstStdoutLine(child);
  assert.match(line, /^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
  const url = new URL(line);
  return { child, url, port: Number(url.port), token: url.hash.slice('#token='.length), origin: `http://127.0.0.1:${url.port}` };
}

/** Stops a served server the way a person does (Ctrl-C) and waits for it to exit. */
export async function stopServing(s: Served): Promise<void> {
  if (s.child.exitCode === null) s.child.kill('SIGINT');
  await s.child.result;
}

/** A LabApi client over the WebSocket, as the renderer has one. */
export class Client {
  readonly events: EventMessage[] = [];
  private readonly waiting = new Map<number | string, (r: ResponseMessage) => void>();
  private readonly channels = new Map<number, (f: TerminalOut) => void>();
  private next = 1;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (isBinary) {
        const { channel, frame } = decodeTerminalOut(new Uint8Array(data as Buffer));
        this.channels.get(channel)?.(frame);
        return;
      }
      const msg = JSON.parse(data.toString()) as ResponseMessage | EventMessage;
      if (msg.type === 'event') this.events.push(msg);
      else if (msg.id !== null) this.waiting.get(msg.id)?.(msg);
    });
  }

  static async open(s: Served): Promise<Client> {
    const ws = new WebSocket(`ws://127.0.0.1:${s.port}/ws`, ['labvisor', `labvisor.token.${s.token}`], { origin: s.origin });
    await once(ws, 'open');
    assert.equal(ws.protocol, 'labvisor', 'the server selects the plain subprotocol, as browsers require');
    return new Client(ws);
  }

  async call(method: string, params?: unknown, timeoutMs = 300_000): Promise<ResponseMessage> {
    const id = this.next++;
    const answer = new Promise<ResponseMessage>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${method}: no answer in ${timeoutMs} ms`)), timeoutMs);
      this.waiting.set(id, (r) => { clearTimeout(timer); resolve(r); });
    });
    this.ws.send(JSON.stringify({ id, method, ...(params === undefined ? {} : { params }) }));
    return answer;
  }

  /** The result of a call that must succeed. */
  async ok<T>(method: string, params?: unknown): Promise<T> {
    const r = await this.call(method, params);
    assert.ok(r.ok, `${method} failed: ${JSON.stringify(r)}`);
    return r.result as T;
  }

  /** Listens on a channel of this connection; the listener is in place before attachTerminal is sent. */
  listen(channel: number, listener: (f: TerminalOut) => void): void { this.channels.set(channel, listener); }

  sendFrame(channel: number, frame: TerminalIn): void { this.ws.send(encodeTerminalIn(channel, frame)); }

  closed(): Promise<{ code: number; reason: string }> {
    return once(this.ws, 'close').then(([code, reason]) => ({ code: code as number, reason: String(reason) }));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A terminal as a UI shows it over the WebSocket: the text it got, acked once "rendered". */
export class TerminalView {
  text = '';
  received = 0;
  exits: Array<Extract<TerminalOut, { type: 'exit' }>> = [];
  private readonly decoder = new TextDecoder();

  private constructor(readonly client: Client, readonly channel: number) {}

  /** Attaches a terminal to a channel of the client and waits for the attach to be answered. */
  static async attach(client: Client, terminal: string, channel: number): Promise<TerminalView> {
    const view = new TerminalView(client, channel);
    client.listen(channel, (f) => {
      if (f.type === 'exit') { view.exits.push(f); return; }
      view.received += f.data.byteLength;
      view.text += view.decoder.decode(f.data, { stream: true });
      client.sendFrame(channel, { type: 'ack', bytes: f.data.byteLength });
    });
    assert.deepEqual(await client.ok('attachTerminal', { terminal, channel }), { channel });
    return view;
  }

  type(data: string): void { this.client.sendFrame(this.channel, { type: 'input', data }); }
  resize(cols: number, rows: number): void { this.client.sendFrame(this.channel, { type: 'resize', cols, rows }); }
  mark(): number { return this.text.length; }
  plain(from = 0): string { return plainText(this.text.slice(from)); }

  waitFor(pattern: RegExp, from = 0, timeoutMs = 15_000): Promise<RegExpExecArray> {
    return waitForText(() => this.plain(from), pattern, `on channel ${this.channel}`, timeoutMs);
  }

  async waitForExit(timeoutMs = 10_000): Promise<Extract<TerminalOut, { type: 'exit' }>> {
    const until = Date.now() + timeoutMs;
    while (!this.exits.length) {
      if (Date.now() > until) throw new Error(`no exit on channel ${this.channel} within ${timeoutMs} ms`);
      await sleep(10);
    }
    return this.exits[0]!;
  }
}
