// The recordings of a host's sessions: at most one running per session, stopped by the learner
// or with the session; listed and read back from the data folder for the player.
import { ApiError, type Result, type SessionInfo } from '../shared/api.js';
import { Recording } from '../engine/terminals/recorder.js';
import { listRecordings, readCast, recordingDir, recordingId, RecordingNotFoundError, recordingsDir } from '../engine/terminals/recording-files.js';
import type { LabSession } from '../engine/sessions/lab-session.js';

type RecordingState = NonNullable<SessionInfo['recording']>;

export class RecordingHost {
  private readonly bySession = new Map<string, { id: string; recording: Recording }>();

  /** `changed` is told whenever a session's recording state changes (the host sends a session event). */
  constructor(private readonly changed: (session: string) => void, private readonly log: (line: string) => void, private readonly root = recordingsDir) {}

  /** What the session's info says about its recording. */
  state(session: string): RecordingState | undefined {
    const r = this.bySession.get(session);
    if (!r) return undefined;
    const notice = r.recording.notice;
    return { id: r.id, active: r.recording.active, ...(notice !== undefined ? { notice } : {}) };
  }

  async start(session: LabSession): Promise<Result<'startRecording'>> {
    const previous = this.bySession.get(session.id);
    if (previous?.recording.active) throw new ApiError('conflict', `session ${session.id} is being recorded already (${previous.id})`);
    const startedAt = new Date();
    const onStopped = (notice: string) => {
      this.log(`session ${session.id}: ${notice}`);
      this.changed(session.id);
    };
    // Ids name the second: a recording stopped and started again within it takes the next one.
    let id = '', dir = '', recording: Recording | undefined;
    for (let later = 0; !recording; later++) {
      id = recordingId(session.lab.id, session.id, new Date(startedAt.getTime() + later * 1000));
      dir = recordingDir(id, this.root());
      recording = await Recording.start(session.terminals, { dir, lab: session.lab.id, startedAt, onStopped }).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'EEXIST' && later < 5) return undefined;
        throw new ApiError('internal', `cannot start a recording in ${dir}: ${err.message}`);
      });
    }
    this.bySession.set(session.id, { id, recording });
    this.log(`session ${session.id}: recording to ${dir}`);
    this.changed(session.id);
    return { id };
  }

  async stop(session: string): Promise<Result<'stopRecording'>> {
    const r = this.bySession.get(session);
    if (!r) throw new ApiError('not-found', `session ${session} is not being recorded`);
    this.bySession.delete(session);
    await r.recording.stop();
    this.changed(session);
    const notice = r.recording.notice;
    return { id: r.id, ...(notice !== undefined ? { notice } : {}) };
  }

  mark(session: string, label: string): Result<'markRecording'> {
    const r = this.bySession.get(session);
    if (!r?.recording.active) throw new ApiError('conflict', `session ${session} is not being recorded`);
    r.recording.mark(label);
    return {};
  }

  /** The session stopped: so does its recording (after its terminals' last output). */
  async ended(session: string): Promise<void> {
    const r = this.bySession.get(session);
    this.bySession.delete(session);
    await r?.recording.stop();
  }

  async list(): Promise<Result<'listRecordings'>> {
    const active = new Set([...this.bySession.values()].filter((r) => r.recording.active).map((r) => r.id));
    const recordings = await listRecordings(this.root());
    return { recordings: recordings.map((r) => ({ ...r, active: active.has(r.id) })) };
  }

  async get(id: string, file: string): Promise<Result<'getRecording'>> {
    try {
      return { id, file, text: await readCast(id, file, this.root()) };
    } catch (err) {
      if (err instanceof RecordingNotFoundError) throw new ApiError('not-found', err.message);
      if (err instanceof RangeError) throw new ApiError('bad-request', err.message);
      throw err;
    }
  }
}
