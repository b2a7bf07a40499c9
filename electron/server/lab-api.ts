// The engine side of the LabApi (electron/shared/api.ts), one instance per host process: the
// `labvisor serve` WebSocket uses it now, the Electron shell's IPC will later. It owns the lab
// sessions it starts (they outlive any one connection, so a UI can reconnect) and stops them all
// on stopAll(). Its catalog is the bundled labs (trusted by being bundled) and the lab folders the
// learner opened, which run only once trusted when they ask for more than the safe default.
import type Docker from 'dockerode';
import { open, realpath } from 'node:fs/promises';
import path from 'node:path';
import {
  ApiError, type CheckResult, type DoctorReport, type EventMessage, type LabApi, type LabSummary,
  type MachineStatus, type Params, type ProgressEvent, type LabProgress, type Result, type SessionInfo, type SessionState, type TerminalInfo,
  type TrustState,
} from '../shared/api.js';
import type { TerminalSession } from '../engine/terminals/terminal-session.js';
import { clearProgress as forgetProgress, forgetChecked, readProgress, writeProgress, type LabProgress as EngineLabProgress } from '../engine/learner-progress.js';
import { runDoctor, type DoctorReport as EngineDoctorReport } from '../engine/doctor.js';
import { findLabDirs, loadLab, type LoadedLab } from '../engine/labs/load.js';
import type { Step } from '../engine/labs/schema.js';
import { TEXT_FILE_LIMIT } from '../engine/labs/lab-files.js';
import { isTrusted, labContentHash, openedFolders, rememberTrust, setOpened } from '../engine/trusted-labs.js';
import { connectEngine, type EngineInfo } from '../engine/machines/docker-engine.js';
import { bundledLabsDir } from '../engine/paths.js';
import type { ProgressEvent as EngineProgressEvent } from '../engine/progress.js';
import type { CheckResult as EngineCheckResult } from '../engine/checks/check-result.js';
import { LabSession, type MachineStatus as EngineMachineStatus } from '../engine/sessions/lab-session.js';
import { gc } from '../engine/sessions/gc.js';
import { catchUp as catchUpSession, recordCatchUp } from '../engine/sessions/catch-up.js';
import { inPathOrder } from '../shared/learning-path.js';
import { LensHost } from './lens-host.js';
import { BundleHost } from './bundle-host.js';
import { toApiError } from './api-errors.js';
import { TrustRequiredError } from '../engine/errors.js';
import { RecordingHost } from './recording-host.js';
import { watchEngineFor } from './engine-restart.js';
import type { EngineWatch } from './engine-watch.js';

// The contract's types are written for the renderer; the engine's must fit them (checked by tsc).
type Fits<A extends B, B> = A;
export type _EngineFitsContract = [
  Fits<EngineProgressEvent, ProgressEvent>, Fits<EngineMachineStatus, MachineStatus>,
  Fits<EngineCheckResult, CheckResult>, Fits<EngineDoctorReport, DoctorReport>, Fits<EngineLabProgress, LabProgress>,
];


export type EventListener = (event: EventMessage) => void;

interface Entry { session: LabSession; state: SessionState; error?: string; recording?: SessionInfo['recording'] }

export interface LabHostOptions {
  log?: (line: string) => void;
  /** The folder of the bundled labs (trusted); the app's own by default. */
  labsDir?: string;
}

/** An opened lab folder, as loaded now: what the learner decides on is this content. */
interface OpenedLab { loaded: LoadedLab; hash: string; trust: TrustState; /** The learner trusted exactly this content. */ remembered: boolean }

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
  private readonly sessions = new Map<string, Entry>();
  private readonly listeners = new Set<EventListener>();
  private engine?: Promise<{ docker: Docker; info: EngineInfo }>;
  private closed = false;
  private prefetchedCatalog?: Promise<Result<'listLabs'>>;
  private readonly log: (line: string) => void;
  private readonly labsDir: string;
  /** Opened lab folders by lab id; read from the data folder on first use. */
  private folders?: Promise<Map<string, string>>;
  /** Sessions catching up now: one catch-up at a time each (two would run the same solutions at once). */
  private readonly catchingUp = new Set<string>();
  private readonly lenses = new LensHost(() => this.connect(), (id) => this.sessions.get(id)?.session);
  private readonly bundles = new BundleHost(
    () => this.connect(),
    (progress) => this.emit({ type: 'event', event: 'bundle', progress }),
    (dir) => this.openLabFolder({ path: dir }),
  );
  private readonly recorder = new RecordingHost((id) => {
    const entry = this.sessions.get(id);
    if (!entry) return;
    entry.recording = this.recorder.state(id);
    this.emit({ type: 'event', event: 'session', session: info(entry) });
  }, (line) => this.log(line));

  /** Watches the engine while sessions run: a restart under them ends them cleanly (engine-restart.ts). */
  private engineWatch?: EngineWatch;

  constructor(opts: LabHostOptions = {}) {
    this.log = opts.log ?? (() => {});
    this.labsDir = opts.labsDir ?? bundledLabsDir();
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

  async doctor(_params?: Params<'doctor'>): Promise<Result<'doctor'>> {
    return runDoctor();
  }

  async listLabs(_params?: Params<'listLabs'>): Promise<Result<'listLabs'>> {
    const prefetched = this.prefetchedCatalog;
    this.prefetchedCatalog = undefined;
    return prefetched ?? this.readCatalog();
  }

  /**
   * What the first UI asks for, done while its page loads (the server calls this as soon as it
   * listens): the catalog (the next listLabs takes this answer, later ones read again), then the
   * engine connection, whose modules take long enough to load that a page waiting on them shows.
   */
  prefetch(): Promise<void> {
    const catalog = this.readCatalog();
    this.prefetchedCatalog = catalog;
    catalog.catch(() => {}).finally(() => this.connect().catch(() => {})); // errors reach whoever asks
    // Settles when the catalog is read (for whoever must know it was read then: the tests).
    return catalog.then(() => {}, () => {});
  }

  private async readCatalog(): Promise<Result<'listLabs'>> {
    const bundled = await Promise.all((await findLabDirs(this.labsDir)).map(async (dir): Promise<LabSummary | undefined> => {
      try {
        return summary((await loadLab(dir)).lab, { source: 'bundled' });
      } catch (err) {
        this.log(`bundled lab ${path.basename(dir)} does not load:\n${(err as Error).message}`);
        return undefined;
      }
    }));
    const opened = await Promise.all([...(await this.openedFolders())].map(async ([id, dir]): Promise<LabSummary | undefined> => {
      try {
        const { loaded, trust } = await this.reviewFolder(dir);
        return summary(loaded.lab, { source: 'folder', folder: dir, trust });
      } catch (err) {
        this.log(`opened lab ${id} (${dir}) does not load now:\n${(err as Error).message}`);
        return undefined;
      }
    }));
    return { labs: [...inPathOrder(bundled.filter((l) => l !== undefined)), ...opened.filter((l) => l !== undefined)] };
  }

  async openLabFolder({ path: given }: Params<'openLabFolder'>): Promise<Result<'openLabFolder'>> {
    if (!path.isAbsolute(given)) throw new ApiError('bad-request', `"${given}" is not an absolute path to a lab folder`);
    const dir = await realpath(given).catch(() => { throw new ApiError('not-found', `no folder at ${given}`); });
    let review: OpenedLab;
    try {
      review = await this.reviewFolder(dir);
    } catch (err) {
      throw new ApiError('bad-request', `${dir} is not a lab that loads:\n${(err as Error).message}`);
    }
    const { id } = review.loaded.lab;
    const bundled = (await findLabDirs(this.labsDir)).find((d) => path.basename(d) === id);
    if (bundled && bundled !== dir) throw new ApiError('conflict', `a bundled lab is called "${id}"; rename the lab (its folder and id) to open it`);
    const folders = await this.openedFolders();
    const other = folders.get(id);
    if (other && other !== dir) throw new ApiError('conflict', `a lab called "${id}" is already open from ${other}; remove it from the catalog first`);
    if (!bundled) {
      folders.set(id, dir);
      await setOpened(dir, true);
    }
    this.log(`opened lab folder ${dir} (${review.trust.reasons.length} trust reason(s))`);
    // A bundled lab's own folder is trusted by being bundled, as everywhere else.
    const trust = bundled ? { ...review.trust, trusted: true } : review.trust;
    return { lab: summary(review.loaded.lab, bundled ? { source: 'bundled' } : { source: 'folder', folder: dir, trust }), trust };
  }

  async trustLab({ lab, hash }: Params<'trustLab'>): Promise<Result<'trustLab'>> {
    const dir = await this.openedDir(lab);
    const review = await this.reviewFolder(dir);
    if (review.hash !== hash) throw new ApiError('conflict', `lab "${lab}" changed in ${dir} since you reviewed it: review it again`);
    await rememberTrust(dir, hash);
    this.log(`trusted lab ${lab} (${dir}) at ${hash.slice(0, 12)}`);
    return { ...review.trust, trusted: true };
  }

  async loadBundle(params: Params<'loadBundle'>): Promise<Result<'loadBundle'>> {
    return this.bundles.load(params);
  }

  async closeLabFolder({ lab }: Params<'closeLabFolder'>): Promise<Result<'closeLabFolder'>> {
    const dir = await this.openedDir(lab);
    (await this.openedFolders()).delete(lab);
    await setOpened(dir, false);
    return {};
  }

  /** A folder loaded and judged now: its content hash first, so a change after it is a new decision. */
  private async reviewFolder(dir: string): Promise<OpenedLab> {
    const hash = await labContentHash(dir);
    const loaded = await loadLab(dir);
    const reasons = loaded.trustReasons.map((d) => ({ message: d.message, where: `${path.relative(dir, d.file)}:${d.line}:${d.col}` }));
    const remembered = await isTrusted(dir, hash);
    return { loaded, hash, remembered, trust: { reasons, trusted: reasons.length === 0 || remembered, hash } };
  }

  private openedFolders(): Promise<Map<string, string>> {
    // A lab's id is its folder's name (the lab format's rule), so no folder is read to list them.
    this.folders ??= openedFolders().then((dirs) => new Map(dirs.map((dir) => [path.basename(dir), dir])));
    return this.folders;
  }

  private async openedDir(id: string): Promise<string> {
    const dir = (await this.openedFolders()).get(id);
    if (!dir) throw new ApiError('not-found', `no opened lab "${id}"`);
    return dir;
  }

  async getStep({ lab, step }: Params<'getStep'>): Promise<Result<'getStep'>> {
    const loaded = await this.catalogLab(lab);
    const s = loaded.lab.steps.find((x) => x.id === step);
    if (!s) throw new ApiError('not-found', `lab "${lab}" has no step "${step}"`);
    return {
      lab, step, title: s.title, markdown: await readMarkdown(loaded.dir, s.markdown),
      hints: s.hints ?? [], solution: solution(s),
      hasCheck: s.check !== undefined, ...(s.poll !== undefined ? { poll: s.poll } : {}),
      ...(s.question ? { question: { prompt: s.question.prompt, ...(s.question.choices ? { choices: s.question.choices } : {}) } } : {}),
    };
  }

  async getProgress({ lab }: Params<'getProgress'>): Promise<Result<'getProgress'>> {
    await this.labDir(lab); // the catalog asks for every lab at once: no need to load each again
    return readProgress(lab);
  }

  async saveProgress(progress: Params<'saveProgress'>): Promise<Result<'saveProgress'>> {
    const { lab } = await this.catalogLab(progress.lab);
    const steps = new Set(lab.steps.map((s) => s.id));
    const named = [progress.currentStep, ...progress.passed, ...Object.keys(progress.hintsShown), ...progress.solutionsShown];
    const unknown = named.filter((s): s is string => s !== undefined && !steps.has(s));
    if (unknown.length) throw new ApiError('bad-request', `lab "${lab.id}" has no step ${[...new Set(unknown)].map((s) => `"${s}"`).join(', ')}`);
    return writeProgress(progress);
  }

  async clearProgress({ lab }: Params<'clearProgress'>): Promise<Result<'clearProgress'>> {
    await this.labDir(lab);
    await forgetProgress(lab);
    return {};
  }

  async listSessions(_params?: Params<'listSessions'>): Promise<Result<'listSessions'>> {
    return { sessions: [...this.sessions.values()].map(info) };
  }

  async startLab({ lab }: Params<'startLab'>): Promise<Result<'startLab'>> {
    if (this.closed) throw new ApiError('conflict', 'the server is stopping: no new sessions');
    const { loaded, trusted } = await this.loadForStart(lab);
    const { docker, info: engineInfo } = await this.connect();
    if (this.closed) throw new ApiError('conflict', 'the server is stopping: no new sessions');
    const session = new LabSession(docker, engineInfo, loaded);
    const entry: Entry = { session, state: 'starting' };
    this.sessions.set(session.id, entry);
    this.watchEngine(docker);
    // A machine that stops by itself changes what the session's machines say: every UI hears it.
    session.onMachineStopped((machine) => {
      this.log(`session ${session.id}: machine "${machine}" stopped`);
      this.emit({ type: 'event', event: 'session', session: info(entry) });
    });
    this.changed(entry, 'starting');
    this.log(`session ${session.id}: starting lab "${lab}"`);
    try {
      await session.start({ trust: trusted, progress: (progress) => this.emit({ type: 'event', event: 'progress', session: session.id, progress }) });
    } catch (err) {
      // In words once (an unforeseen error is logged once): for the session's event and the caller alike.
      const words = toApiError(err, 'startLab');
      if (entry.state === 'starting') {
        // start() removed whatever it had made: nothing of this session runs any more.
        this.sessions.delete(session.id);
        this.changed(entry, 'failed', words.message);
        this.log(`session ${session.id}: start failed: ${words.message}`);
      }
      throw words;
    }
    if (entry.state !== 'starting') throw new ApiError('conflict', `session ${session.id} was stopped while starting`);
    this.changed(entry, 'running');
    this.log(`session ${session.id}: running`);
    return info(entry);
  }

  async checkStep({ session, step }: Params<'checkStep'>): Promise<Result<'checkStep'>> {
    const entry = this.running(session, step);
    return entry.session.check(step);
  }

  async answerStep({ session, step, answer }: Params<'answerStep'>): Promise<Result<'answerStep'>> {
    const entry = this.running(session, step);
    if (!entry.session.lab.steps.find((s) => s.id === step)?.question) throw new ApiError('bad-request', `step "${step}" asks no question; run its check instead`);
    return entry.session.answer(step, answer);
  }

  async solveStep({ session, step }: Params<'solveStep'>): Promise<Result<'solveStep'>> {
    const entry = this.running(session, step);
    return entry.session.solve(step);
  }

  async catchUp({ session, step }: Params<'catchUp'>): Promise<Result<'catchUp'>> {
    const entry = this.running(session, step);
    if (this.catchingUp.has(session)) throw new ApiError('conflict', `session ${session} is catching up already`);
    this.catchingUp.add(session);
    try {
      this.log(`session ${session}: catching up to step "${step}"`);
      const result = await catchUpSession(entry.session, step, { progress: (progress) => this.emit({ type: 'event', event: 'progress', session, progress }) });
      // Saved as the player saves it, so a reload or another window resumes at the step reached.
      await recordCatchUp(entry.session.lab.id, result).catch((err: Error) => this.log(`session ${session}: progress not saved after the catch-up: ${err.message}`));
      this.log(`session ${session}: caught up to "${result.reached}"${result.reached === step ? '' : ` (stopped: step "${result.reached}" did not pass)`}`);
      return { reached: result.reached, steps: result.steps.map(({ id, ok, how, messages }) => ({ id, ok, how, messages })) };
    } finally {
      this.catchingUp.delete(session);
    }
  }

  async resetLab({ session }: Params<'resetLab'>): Promise<Result<'resetLab'>> {
    const entry = this.running(session);
    this.changed(entry, 'resetting');
    try {
      await entry.session.reset((progress) => this.emit({ type: 'event', event: 'progress', session, progress }));
    } catch (err) {
      // A half-made reset is no lab to work in: remove everything. In words once (an unforeseen error is logged once).
      const words = toApiError(err, 'resetLab');
      this.log(`session ${session}: reset failed, stopping it: ${words.message}`);
      await this.stopEntry(entry).catch(() => {});
      throw words;
    }
    // What the steps' checks found is gone with the machines: their marks are no longer true.
    const checked = entry.session.lab.steps.filter((s) => s.check !== undefined).map((s) => s.id);
    await (async () => {
      const saved = await readProgress(entry.session.lab.id);
      const now = forgetChecked(saved, checked);
      if (now.passed.length !== saved.passed.length) await writeProgress(now);
    })().catch((err: Error) => this.log(`session ${session}: progress not updated after the reset: ${err.message}`));
    if (entry.state === 'resetting') this.changed(entry, 'running');
    return info(entry);
  }

  async stopLab({ session }: Params<'stopLab'>): Promise<Result<'stopLab'>> {
    const entry = this.sessions.get(session);
    if (!entry) throw new ApiError('not-found', `no session "${session}" on this host`);
    await this.stopEntry(entry);
    return info(entry);
  }

  lensProcesses(p: Params<'lensProcesses'>): Promise<Result<'lensProcesses'>> { return this.lenses.processes(p); }
  lensKernels(p: Params<'lensKernels'>): Promise<Result<'lensKernels'>> { return this.lenses.kernels(p); }
  lensFootprint(p: Params<'lensFootprint'>): Promise<Result<'lensFootprint'>> { return this.lenses.footprint(p); }
  lensImages(p: Params<'lensImages'>): Promise<Result<'lensImages'>> { return this.lenses.images(p); }
  lensImageDiff(p: Params<'lensImageDiff'>): Promise<Result<'lensImageDiff'>> { return this.lenses.imageDiff(p); }
  lensVolume(p: Params<'lensVolume'>): Promise<Result<'lensVolume'>> { return this.lenses.volume(p); }

  async openTerminal({ session, machine, cols, rows }: Params<'openTerminal'>): Promise<Result<'openTerminal'>> {
    const entry = this.running(session);
    const status = entry.session.machines.find((m) => m.name === machine);
    if (!status) throw new ApiError('not-found', `lab "${entry.session.lab.id}" has no machine "${machine}"; it has: ${entry.session.machines.map((m) => m.name).join(', ')}`);
    if (status.unavailable) throw new ApiError('conflict', `machine "${machine}" is unavailable: ${status.unavailable}`);
    if (status.stopped) throw new ApiError('conflict', `machine "${machine}" stopped: ${status.stopped}`);
    const terminal = await entry.session.openTerminal(machine, cols, rows);
    this.log(`session ${session}: terminal ${terminal.id} on ${machine}`);
    return terminalInfo(session, terminal);
  }

  async listTerminals({ session }: Params<'listTerminals'>): Promise<Result<'listTerminals'>> {
    const entry = this.sessions.get(session);
    if (!entry) throw new ApiError('not-found', `no session "${session}" on this host`);
    return { terminals: entry.session.terminals.list().map((t) => terminalInfo(session, t)) };
  }

  async closeTerminal({ terminal }: Params<'closeTerminal'>): Promise<Result<'closeTerminal'>> {
    const owner = this.terminalOwner(terminal);
    if (!owner) throw new ApiError('not-found', `no terminal "${terminal}" on this host`);
    await owner.session.terminals.close(terminal);
    return {};
  }

  async startRecording({ session }: Params<'startRecording'>): Promise<Result<'startRecording'>> {
    return this.recorder.start(this.running(session).session);
  }

  async stopRecording({ session }: Params<'stopRecording'>): Promise<Result<'stopRecording'>> {
    return this.recorder.stop(session);
  }

  async markRecording({ session, label }: Params<'markRecording'>): Promise<Result<'markRecording'>> {
    return this.recorder.mark(session, label);
  }

  listRecordings(_params?: Params<'listRecordings'>): Promise<Result<'listRecordings'>> { return this.recorder.list(); }
  getRecording({ id, file }: Params<'getRecording'>): Promise<Result<'getRecording'>> { return this.recorder.get(id, file); }

  terminal(id: string): TerminalSession | undefined {
    return this.terminalOwner(id)?.session.terminals.get(id);
  }

  private terminalOwner(id: string): Entry | undefined {
    return [...this.sessions.values()].find((e) => e.session.terminals.get(id) !== undefined);
  }

  /** Stops every session this host started; no new ones start afterwards. */
  async stopAll(): Promise<void> {
    this.closed = true;
    this.engineWatch?.close();
    const results = await Promise.allSettled([...this.sessions.values()].map((e) => this.stopEntry(e)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length) throw new Error(failed.map((r) => (r.reason as Error).message).join('\n'));
  }

  get sessionCount(): number { return this.sessions.size; }

  private async stopEntry(entry: Entry): Promise<void> {
    if (entry.state !== 'stopping' && entry.state !== 'stopped') this.changed(entry, 'stopping');
    try {
      await entry.session.stop();
    } finally {
      await this.recorder.ended(entry.session.id).catch((err: Error) => this.log(`session ${entry.session.id}: recording not closed: ${err.message}`));
      entry.recording = undefined;
      this.sessions.delete(entry.session.id);
      if (entry.state !== 'stopped') {
        this.changed(entry, 'stopped');
        this.log(`session ${entry.session.id}: stopped`);
      }
    }
  }

  private running(id: string, step?: string): Entry {
    const entry = this.sessions.get(id);
    if (!entry) throw new ApiError('not-found', `no session "${id}" on this host`);
    if (entry.state !== 'running') throw new ApiError('conflict', `session ${id} is ${entry.state}, not running`);
    if (step !== undefined && !entry.session.lab.steps.some((s) => s.id === step)) {
      throw new ApiError('not-found', `lab "${entry.session.lab.id}" has no step "${step}"`);
    }
    return entry;
  }

  private changed(entry: Entry, state: SessionState, error?: string): void {
    entry.state = state;
    if (error !== undefined) entry.error = error;
    this.emit({ type: 'event', event: 'session', session: info(entry) });
  }

  private watchEngine(docker: Docker): void {
    const entryOf = (s: LabSession) => this.sessions.get(s.id);
    this.engineWatch ??= watchEngineFor(docker, {
      live: () => [...this.sessions.values()].filter((e) => e.state !== 'stopping' && e.state !== 'stopped').map((e) => e.session),
      has: (s) => entryOf(s) !== undefined,
      end: async (s, why) => {
        const entry = entryOf(s);
        if (!entry) return;
        entry.error = why;
        await this.stopEntry(entry);
      },
      emit: (engine) => this.emit({ type: 'event', event: 'engine', engine }),
      log: (line) => this.log(line),
    }, () => this.sessions.size > 0);
    this.engineWatch.watch();
  }

  /** A lab of the catalog by id; never a path. */
  private async catalogLab(id: string): Promise<LoadedLab> {
    return loadLab(await this.labDir(id));
  }

  /**
   * The lab, and whether the learner trusted it: bundled labs are (as by `labvisor run`); an
   * opened one only as the learner decided for this content. One that needs trust and lacks it
   * is refused here, before the engine is asked for anything; the session still checks what only
   * the start can know (a fixed port another program holds).
   */
  private async loadForStart(id: string): Promise<{ loaded: LoadedLab; trusted: boolean }> {
    const opened = (await this.openedFolders()).get(id);
    if (!opened) return { loaded: await this.catalogLab(id), trusted: true };
    const { loaded, remembered } = await this.reviewFolder(opened);
    if (!remembered && loaded.trustReasons.length) throw new TrustRequiredError(id, loaded.trustReasons);
    return { loaded, trusted: remembered };
  }

  /** The folder of a lab of the catalog; not-found names the ones there are. */
  private async labDir(id: string): Promise<string> {
    const [dirs, opened] = await Promise.all([findLabDirs(this.labsDir), this.openedFolders()]);
    const dir = dirs.find((d) => path.basename(d) === id) ?? opened.get(id);
    if (!dir) throw new ApiError('not-found', `no lab "${id}"; there are: ${[...dirs.map((d) => path.basename(d)), ...opened.keys()].join(', ')}`);
    return dir;
  }

  /** The engine, connected once (again after a failure); the first connection collects what dead sessions left. */
  private connect(): Promise<{ docker: Docker; info: EngineInfo }> {
    this.engine ??= (async () => {
      const engine = await connectEngine();
      const report = await gc(engine.docker);
      if (report.sessions.length) this.log(`removed what ${report.sessions.length} ended session(s) left behind: ${report.sessions.map((s) => s.id).join(', ')}`);
      if (report.helpers.length) this.log(`removed ${report.helpers.length} helper container(s) a killed process left: ${report.helpers.join(', ')}`);
      if (report.temps.length) this.log(`removed ${report.temps.length} temp file(s) a killed process left: ${report.temps.join(', ')}`);
      for (const b of report.bundleLoads) this.log(`undid the interrupted load of ${b.bundle}: ${b.tagsRemoved} image tag(s) it had added removed`);
      for (const e of report.errors) this.log(`gc: ${e}`);
      return engine;
    })();
    this.engine.catch(() => { this.engine = undefined; });
    return this.engine;
  }
}

function summary(lab: LoadedLab['lab'], origin: Pick<LabSummary, 'source' | 'folder' | 'trust'>): LabSummary {
  return {
    id: lab.id, ...origin, title: lab.title, summary: lab.summary, duration: lab.duration, difficulty: lab.difficulty,
    ...(lab.order !== undefined ? { order: lab.order } : {}), tags: lab.tags,
    machines: lab.machines.map((m) => ({ name: m.name, kind: m.kind })),
    volumes: (lab.volumes ?? []).map((v) => v.name),
    steps: lab.steps.map((s) => ({ id: s.id, title: s.title, hasCheck: s.check !== undefined })),
  };
}

/**
 * What "Show solution" offers: the step's solve actions and, for a typed question, the answer's
 * script as a command to run and read (the value itself exists only when a machine computes it).
 * A choice question's right choice is never sent: the learner may try again instead.
 */
function solution(step: Step): Result<'getStep'>['solution'] {
  const actions = (step.solve ?? []).map(({ machine, script }) => ({ machine, script }));
  const answer = step.question?.answer;
  return typeof answer === 'object' ? [...actions, { machine: answer.machine, script: answer.script }] : actions;
}

function info(entry: Entry): SessionInfo {
  return {
    id: entry.session.id, lab: entry.session.lab.id, state: entry.state,
    machines: entry.session.machines.map((m) => ({ ...m })),
    ...(entry.error !== undefined ? { error: entry.error } : {}),
    ...(entry.recording ? { recording: { ...entry.recording } } : {}),
  };
}

function terminalInfo(session: string, t: TerminalSession): TerminalInfo {
  return { id: t.id, session, machine: t.machine, kind: t.kind, cols: t.cols, rows: t.rows, ...(t.exit ? { exit: { ...t.exit } } : {}) };
}

/** A step's markdown: a regular file inside the lab folder (no symlink out), within the loader's limit. */
async function readMarkdown(labDir: string, relative: string): Promise<string> {
  const root = await realpath(labDir);
  const file = await realpath(path.join(labDir, relative)).catch(() => {
    throw new ApiError('not-found', `step markdown "${relative}" not found`);
  });
  const rel = path.relative(root, file);
  if (rel === '' || rel.split(path.sep)[0] === '..' || path.isAbsolute(rel)) throw new ApiError('internal', `step markdown "${relative}" leads outside the lab folder`);
  const handle = await open(file, 'r');
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new ApiError('internal', `step markdown "${relative}" is not a regular file`);
    // The loader's limit (lab-files.ts), checked again: the file may have grown since.
    if (stats.size > TEXT_FILE_LIMIT) throw new ApiError('internal', `step markdown "${relative}" is over ${TEXT_FILE_LIMIT} bytes`);
    return await handle.readFile('utf8');
  } finally {
    await handle.close();
  }
}

