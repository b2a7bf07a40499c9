// The LabApi (electron/shared/api.ts) behind both hosts: Electron's IPC bridge and `labvisor
// serve`'s WebSocket each hold one LabHost per process. It puts together the catalog
// (lab-catalog.ts), the sessions (lab-sessions.ts), the lenses, bundle loads, the engine
// connection and the event stream every UI of the host hears.
import type Docker from 'dockerode';
import type { EventMessage, LabApi, Params, Result } from '../shared/api.js';
import type { TerminalSession } from '../engine/terminals/terminal-session.js';
import { runDoctor } from '../engine/doctor.js';
import { connectEngine, type EngineInfo } from '../engine/machines/docker-engine.js';
import { bundledLabsDir } from '../engine/paths.js';
import { collectedLines, gc } from '../engine/sessions/gc.js';
import { LabCatalog } from './lab-catalog.js';
import { LabSessions } from './lab-sessions.js';
import { LensHost } from './lens-host.js';
import { BundleHost } from './bundle-host.js';

export type EventListener = (event: EventMessage) => void;

export interface LabHostOptions {
  log?: (line: string) => void;
  /** The folder of the bundled labs (trusted); the app's own by default. */
  labsDir?: string;
}

/**
 * What a host offers every connection. Attaching a terminal is the one thing that belongs to a
 * connection (its channel), so connection-api.ts adds attachTerminal and detachTerminal.
 */
export type HostApi = Omit<LabApi, 'attachTerminal' | 'detachTerminal'> & {
  onEvent(listener: EventListener): () => void;
  /** A terminal of any session of this host, by id. */
  terminal(id: string): TerminalSession | undefined;
};

export class LabHost implements HostApi {
  private readonly listeners = new Set<EventListener>();
  private engine?: Promise<{ docker: Docker; info: EngineInfo }>;
  private readonly log: (line: string) => void;
  private readonly catalog: LabCatalog;
  private readonly sessions = new LabSessions({
    connect: () => this.connect(),
    emit: (event) => this.emit(event),
    log: (line) => this.log(line),
  });
  private readonly lenses = new LensHost(() => this.connect(), (id) => this.sessions.get(id));
  private readonly bundles = new BundleHost(
    () => this.connect(),
    (progress) => this.emit({ type: 'event', event: 'bundle', progress }),
    (dir) => this.catalog.openFolder({ path: dir }),
  );

  constructor(opts: LabHostOptions = {}) {
    this.log = opts.log ?? (() => {});
    this.catalog = new LabCatalog(opts.labsDir ?? bundledLabsDir(), (line) => this.log(line));
  }

  /** Subscribes to every event; returns the unsubscribe. */
  onEvent(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private emit(event: EventMessage): void {
    for (const l of this.listeners) {
      try { l(event); } catch (err) { this.log(`event listener failed: ${(err as Error).message}`); }
    }
  }

  /**
   * What the first UI asks for, done while its page loads (the server calls this as soon as it
   * listens): the catalog (the next listLabs takes this answer, later ones read again), then the
   * engine connection, whose modules take long enough to load that a page waiting on them shows.
   * Settles when the catalog is read (for whoever must know it was read then: the tests).
   */
  prefetch(): Promise<void> {
    const read = this.catalog.prefetch();
    void read.finally(() => this.connect().catch(() => {})); // errors reach whoever asks
    return read;
  }

  async doctor(_params?: Params<'doctor'>): Promise<Result<'doctor'>> { return runDoctor(); }

  async listLabs(_params?: Params<'listLabs'>): Promise<Result<'listLabs'>> { return this.catalog.list(); }
  async openLabFolder(p: Params<'openLabFolder'>): Promise<Result<'openLabFolder'>> { return this.catalog.openFolder(p); }
  async trustLab(p: Params<'trustLab'>): Promise<Result<'trustLab'>> { return this.catalog.trust(p); }
  async closeLabFolder(p: Params<'closeLabFolder'>): Promise<Result<'closeLabFolder'>> { return this.catalog.closeFolder(p); }
  async loadBundle(p: Params<'loadBundle'>): Promise<Result<'loadBundle'>> { return this.bundles.load(p); }
  async getStep(p: Params<'getStep'>): Promise<Result<'getStep'>> { return this.catalog.step(p); }
  async getProgress(p: Params<'getProgress'>): Promise<Result<'getProgress'>> { return this.catalog.progress(p); }
  async saveProgress(p: Params<'saveProgress'>): Promise<Result<'saveProgress'>> { return this.catalog.saveProgress(p); }
  async clearProgress(p: Params<'clearProgress'>): Promise<Result<'clearProgress'>> { return this.catalog.clearProgress(p); }

  async listSessions(_params?: Params<'listSessions'>): Promise<Result<'listSessions'>> { return this.sessions.list(); }
  async startLab({ lab }: Params<'startLab'>): Promise<Result<'startLab'>> {
    const { loaded, trusted } = await this.catalog.forStart(lab);
    return this.sessions.start(loaded, trusted);
  }
  async checkStep(p: Params<'checkStep'>): Promise<Result<'checkStep'>> { return this.sessions.check(p); }
  async answerStep(p: Params<'answerStep'>): Promise<Result<'answerStep'>> { return this.sessions.answer(p); }
  async solveStep(p: Params<'solveStep'>): Promise<Result<'solveStep'>> { return this.sessions.solve(p); }
  async catchUp(p: Params<'catchUp'>): Promise<Result<'catchUp'>> { return this.sessions.catchUp(p); }
  async resetLab(p: Params<'resetLab'>): Promise<Result<'resetLab'>> { return this.sessions.reset(p); }
  async stopLab(p: Params<'stopLab'>): Promise<Result<'stopLab'>> { return this.sessions.stop(p); }

  async lensProcesses(p: Params<'lensProcesses'>): Promise<Result<'lensProcesses'>> { return this.lenses.processes(p); }
  async lensKernels(p: Params<'lensKernels'>): Promise<Result<'lensKernels'>> { return this.lenses.kernels(p); }
  async lensFootprint(p: Params<'lensFootprint'>): Promise<Result<'lensFootprint'>> { return this.lenses.footprint(p); }
  async lensImages(p: Params<'lensImages'>): Promise<Result<'lensImages'>> { return this.lenses.images(p); }
  async lensImageDiff(p: Params<'lensImageDiff'>): Promise<Result<'lensImageDiff'>> { return this.lenses.imageDiff(p); }
  async lensVolume(p: Params<'lensVolume'>): Promise<Result<'lensVolume'>> { return this.lenses.volume(p); }

  async openTerminal(p: Params<'openTerminal'>): Promise<Result<'openTerminal'>> { return this.sessions.openTerminal(p); }
  async listTerminals(p: Params<'listTerminals'>): Promise<Result<'listTerminals'>> { return this.sessions.listTerminals(p); }
  async closeTerminal(p: Params<'closeTerminal'>): Promise<Result<'closeTerminal'>> { return this.sessions.closeTerminal(p); }
  terminal(id: string): TerminalSession | undefined { return this.sessions.terminal(id); }

  async startRecording(p: Params<'startRecording'>): Promise<Result<'startRecording'>> { return this.sessions.startRecording(p); }
  async stopRecording({ session }: Params<'stopRecording'>): Promise<Result<'stopRecording'>> { return this.sessions.recorder.stop(session); }
  async markRecording({ session, label }: Params<'markRecording'>): Promise<Result<'markRecording'>> { return this.sessions.recorder.mark(session, label); }
  async listRecordings(_params?: Params<'listRecordings'>): Promise<Result<'listRecordings'>> { return this.sessions.recorder.list(); }
  async getRecording({ id, file }: Params<'getRecording'>): Promise<Result<'getRecording'>> { return this.sessions.recorder.get(id, file); }

  /** Stops every session this host started; no new ones start afterwards. */
  async stopAll(): Promise<void> { return this.sessions.stopAll(); }

  get sessionCount(): number { return this.sessions.count; }

  /** The engine, connected once (again after a failure); the first connection collects what dead sessions left. */
  private connect(): Promise<{ docker: Docker; info: EngineInfo }> {
    this.engine ??= (async () => {
      const engine = await connectEngine();
      for (const line of collectedLines(await gc(engine.docker))) this.log(line);
      return engine;
    })();
    this.engine.catch(() => { this.engine = undefined; });
    return this.engine;
  }
}
