// What the UI needs from the LabApi, whichever host carries it (a WebSocket to `labvisor serve`,
// or Electron's preload). React code only ever sees this interface.
import type { EventMessage, Method, Params, Result } from '../../../electron/shared/api.js';

/** Where a terminal's output goes. */
export interface TerminalSink {
  /** Output bytes; call `done` once they are on screen (the ack that lets the machine write more). */
  data(bytes: Uint8Array, done: () => void): void;
  /** The terminal ended (its shell exited, its machine stopped) or is gone. */
  exit(code: number | null, reason?: string): void;
  /** The connection came back and the scrollback is about to be replayed: start from a clean screen. */
  reset(): void;
}

/** One attached terminal. */
export interface TerminalLink {
  input(data: string): void;
  resize(cols: number, rows: number): void;
  /** Stops streaming to this UI; the terminal keeps running. */
  detach(): Promise<void>;
}

export type ConnectionState = 'connecting' | 'open' | 'reconnecting';

export interface LabClient {
  call<M extends Method>(method: M, params: Params<M>): Promise<Result<M>>;
  onEvent(listener: (event: EventMessage) => void): () => void;
  readonly state: ConnectionState;
  onState(listener: (state: ConnectionState) => void): () => void;
  attach(terminal: string, sink: TerminalSink): Promise<TerminalLink>;
  /** Opens a link outside the app: a browser tab, or (Electron) the system browser. */
  openExternal(url: string): void;
  readonly kind: 'browser' | 'electron';
  /** Browser only: how many times the server was a new process on a reconnect (it restarted); told through onState. */
  readonly serverRestarts?: number;
  /** Electron only: the system's folder picker; undefined when the learner cancelled. */
  pickLabFolder?(): Promise<string | undefined>;
  /** Electron only: the system's file picker for a workshop bundle; undefined when cancelled. */
  pickBundleFile?(): Promise<string | undefined>;
  /** Electron only: where a dropped file or folder is on disk (a browser never tells a page). */
  pathForFile?(file: File): string;
}

/** Only web links leave the app; anything else (file:, javascript:, custom schemes) is refused. */
export function isWebUrl(url: string): boolean {
  return /^https?:\/\/[^\s]+$/i.test(url);
}

/** Small fan-out used by both clients. */
export class Listeners<T> {
  private readonly set = new Set<(value: T) => void>();
  add(listener: (value: T) => void): () => void {
    this.set.add(listener);
    return () => { this.set.delete(listener); };
  }
  emit(value: T): void {
    for (const l of [...this.set]) {
      try { l(value); } catch (err) { console.error(err); }
    }
  }
}
