// The lab sessions a host started, with their terminals and recordings. They outlive any one
// connection (a UI can reconnect to them) and end with the host (stopAll). Each change of a
// session's state is an event every UI hears.
import type Docker from 'dockerode';
import { ApiError, type EventMessage, type Params, type Result, type SessionInfo, type SessionState, type TerminalInfo } from '../shared/api.js';
import type { TerminalSession } from '../engine/terminals/terminal-session.js';
import { forgetChecked, readProgress, writeProgress } from '../engine/learner-progress.js';
import type { LoadedLab } from '../engine/labs/load.js';
import type { EngineInfo } from '../engine/machines/docker-engine.js';
import { LabSession } from '../engine/sessions/lab-session.js';
import { catchUp as catchUpSession, recordCatchUp } from '../engine/sessions/catch-up.js';
import { toApiError } from './api-errors.js';
import { RecordingHost } from './recording-host.js';
import { watchEngineFor } from './engine-restart.js';
import type { EngineWatch } from './engine-watch.js';

interface Entry { session: LabSession; state: SessionState; error?: string; recording?: SessionInfo['recording'] }

/** What the sessions need of their host: its engine connection, its event stream, its log. */
export interface LabSessionsDeps { connect(): Promise<{ docker: Docker; info: EngineInfo }>; emit(event: EventMessage): void; log(line: string): void }

export class LabSessions {
  private readonly sessions = new Map<string, Entry>();
  private closed = false;
  /** Sessions catching up now: one catch-up at a time each (two would run the same solutions at once). */
  private readonly catchingUp = new Set<string>();
  readonly recorder: RecordingHost;
  /** Watches the engine while sessions run: a restart under them ends them cleanly (engine-restart.ts). */
  private engineWatch?: EngineWatch;

  constructor(private readonly deps: LabSessionsDeps) {
    this.recorder = new RecordingHost((id) => {
      const entry = this.sessions.get(id);
      if (!entry) return;
      entry.recording = this.recorder.state(id);
      this.deps.emit({ type: 'event', event: 'session', session: info(entry) });
    }, (line) => this.deps.log(line));
  }

  get count(): number { return this.sessions.size; }

  /** A session of this host by id, whatever its state. */
  get(id: string): LabSession | undefined { return this.sessions.get(id)?.session; }

  list(): Result<'listSessions'> { return { sessions: [...this.sessions.values()].map(info) }; }

  async start(loaded: LoadedLab, trusted: boolean): Promise<Result<'startLab'>> {
    if (this.closed) throw new ApiError('conflict', 'the server is stopping: no new sessions');
    const { docker, info: engineInfo } = await this.deps.connect();
    if (this.closed) throw new ApiError('conflict', 'the server is stopping: no new sessions');
    const session = new LabSession(docker, engineInfo, loaded);
    const entry: Entry = { session, state: 'starting' };
    this.sessions.set(session.id, entry);
    this.watchEngine(docker);
    // A machine that stops by itself changes what the session's machines say: every UI hears it.
    session.onMachineStopped((machine) => {
      this.deps.log(`session ${session.id}: machine "${machine}" stopped`);
      this.deps.emit({ type: 'event', event: 'session', session: info(entry) });
    });
    this.changed(entry, 'starting');
    this.deps.log(`session ${session.id}: starting lab "${loaded.lab.id}"`);
    try {
      await session.start({ trust: trusted, progress: (progress) => this.deps.emit({ type: 'event', event: 'progress', session: session.id, progress }) });
    } catch (err) {
      // In words once (an unforeseen error is logged once): for the session's event and the caller alike.
      const words = toApiError(err, 'startLab');
      if (entry.state === 'starting') {
        // start() removed whatever it had made: nothing of this session runs any more.
        this.sessions.delete(session.id);
        this.changed(entry, 'failed', words.message);
        this.deps.log(`session ${session.id}: start failed: ${words.message}`);
      }
      throw words;
    }
    if (entry.state !== 'starting') throw new ApiError('conflict', `session ${session.id} was stopped while starting`);
    this.changed(entry, 'running');
    this.deps.log(`session ${session.id}: running`);
    return info(entry);
  }

  async check({ session, step }: Params<'checkStep'>): Promise<Result<'checkStep'>> {
    return this.running(session, step).session.check(step);
  }

  async answer({ session, step, answer }: Params<'answerStep'>): Promise<Result<'answerStep'>> {
    const entry = this.running(session, step);
    if (!entry.session.lab.steps.find((s) => s.id === step)?.question) throw new ApiError('bad-request', `step "${step}" asks no question; run its check instead`);
    return entry.session.answer(step, answer);
  }

  async solve({ session, step }: Params<'solveStep'>): Promise<Result<'solveStep'>> {
    return this.running(session, step).session.solve(step);
  }

  async catchUp({ session, step }: Params<'catchUp'>): Promise<Result<'catchUp'>> {
    const entry = this.running(session, step);
    if (this.catchingUp.has(session)) throw new ApiError('conflict', `session ${session} is catching up already`);
    this.catchingUp.add(session);
    try {
      this.deps.log(`session ${session}: catching up to step "${step}"`);
      const result = await catchUpSession(entry.session, step, { progress: (progress) => this.deps.emit({ type: 'event', event: 'progress', session, progress }) });
      // Saved as the player saves it, so a reload or another window resumes at the step reached.
      await recordCatchUp(entry.session.lab.id, result).catch((err: Error) => this.deps.log(`session ${session}: progress not saved after the catch-up: ${err.message}`));
      this.deps.log(`session ${session}: caught up to "${result.reached}"${result.reached === step ? '' : ` (stopped: step "${result.reached}" did not pass)`}`);
      return { reached: result.reached, steps: result.steps.map(({ id, ok, how, messages }) => ({ id, ok, how, messages })) };
    } finally {
      this.catchingUp.delete(session);
    }
  }

  async reset({ session }: Params<'resetLab'>): Promise<Result<'resetLab'>> {
    const entry = this.running(session);
    this.changed(entry, 'resetting');
    try {
      await entry.session.reset((progress) => this.deps.emit({ type: 'event', event: 'progress', session, progress }));
    } catch (err) {
      // A half-made reset is no lab to work in: remove everything. In words once (an unforeseen error is logged once).
      const words = toApiError(err, 'resetLab');
      this.deps.log(`session ${session}: reset failed, stopping it: ${words.message}`);
      await this.stopEntry(entry).catch(() => {});
      throw words;
    }
    // What the steps' checks found is gone with the machines: their marks are no longer true.
    const checked = entry.session.lab.steps.filter((s) => s.check !== undefined).map((s) => s.id);
    await (async () => {
      const saved = await readProgress(entry.session.lab.id);
      const now = forgetChecked(saved, checked);
      if (now.passed.length !== saved.passed.length) await writeProgress(now);
    })().catch((err: Error) => this.deps.log(`session ${session}: progress not updated after the reset: ${err.message}`));
    if (entry.state === 'resetting') this.changed(entry, 'running');
    return info(entry);
  }

  async stop({ session }: Params<'stopLab'>): Promise<Result<'stopLab'>> {
    const entry = this.known(session);
    await this.stopEntry(entry);
    return info(entry);
  }

  async openTerminal({ session, machine, cols, rows }: Params<'openTerminal'>): Promise<Result<'openTerminal'>> {
    const entry = this.running(session);
    const status = entry.session.machines.find((m) => m.name === machine);
    if (!status) throw new ApiError('not-found', `lab "${entry.session.lab.id}" has no machine "${machine}"; it has: ${entry.session.machines.map((m) => m.name).join(', ')}`);
    if (status.unavailable) throw new ApiError('conflict', `machine "${machine}" is unavailable: ${status.unavailable}`);
    if (status.stopped) throw new ApiError('conflict', `machine "${machine}" stopped: ${status.stopped}`);
    const terminal = await entry.session.openTerminal(machine, cols, rows);
    this.deps.log(`session ${session}: terminal ${terminal.id} on ${machine}`);
    return terminalInfo(session, terminal);
  }

  listTerminals({ session }: Params<'listTerminals'>): Result<'listTerminals'> {
    return { terminals: this.known(session).session.terminals.list().map((t) => terminalInfo(session, t)) };
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

  /** A terminal of any session of this host, by id. */
  terminal(id: string): TerminalSession | undefined {
    return this.terminalOwner(id)?.session.terminals.get(id);
  }

  private terminalOwner(id: string): Entry | undefined {
    return [...this.sessions.values()].find((e) => e.session.terminals.get(id) !== undefined);
  }

  /** Stops every session; no new ones start afterwards. */
  async stopAll(): Promise<void> {
    this.closed = true;
    this.engineWatch?.close();
    const results = await Promise.allSettled([...this.sessions.values()].map((e) => this.stopEntry(e)));
    const failed = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed.length) throw new Error(failed.map((r) => (r.reason as Error).message).join('\n'));
  }

  private async stopEntry(entry: Entry): Promise<void> {
    if (entry.state !== 'stopping' && entry.state !== 'stopped') this.changed(entry, 'stopping');
    try {
      await entry.session.stop();
    } finally {
      await this.recorder.ended(entry.session.id).catch((err: Error) => this.deps.log(`session ${entry.session.id}: recording not closed: ${err.message}`));
      entry.recording = undefined;
      this.sessions.delete(entry.session.id);
      if (entry.state !== 'stopped') {
        this.changed(entry, 'stopped');
        this.deps.log(`session ${entry.session.id}: stopped`);
      }
    }
  }

  private known(id: string): Entry {
    const entry = this.sessions.get(id);
    if (!entry) throw new ApiError('not-found', `no session "${id}" on this host`);
    return entry;
  }

  private running(id: string, step?: string): Entry {
    const entry = this.known(id);
    if (entry.state !== 'running') throw new ApiError('conflict', `session ${id} is ${entry.state}, not running`);
    if (step !== undefined && !entry.session.lab.steps.some((s) => s.id === step)) {
      throw new ApiError('not-found', `lab "${entry.session.lab.id}" has no step "${step}"`);
    }
    return entry;
  }

  private changed(entry: Entry, state: SessionState, error?: string): void {
    entry.state = state;
    if (error !== undefined) entry.error = error;
    this.deps.emit({ type: 'event', event: 'session', session: info(entry) });
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
      emit: (engine) => this.deps.emit({ type: 'event', event: 'engine', engine }),
      log: (line) => this.deps.log(line),
    }, () => this.sessions.size > 0);
    this.engineWatch.watch();
  }
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
