// The lab's session as the player sees it: found again after a reload or reconnect
// (listSessions), started, reset and stopped on request, its start progress folded from
// `progress` events, and one terminal per machine opened (or re-attached) once it runs.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SessionInfo, TerminalInfo } from '../../../electron/shared/api.js';
import type { LabClient } from '../api/lab-client.js';
import { errorText, useConnectionState } from '../app/client-context.js';
import { useLatest } from '../app/use-latest.js';
import { addProgress, type StartProgress } from './start-progress.js';

const LIVE = new Set(['starting', 'running', 'resetting']);

export interface LabSession {
  /** False until the first listSessions answered (no flash of "Start" on reload). */
  known: boolean;
  session?: SessionInfo;
  /** Counts the times the machines were made anew (another session, a reset): what was true of the old ones is not of these. */
  generation: number;
  progress: StartProgress;
  /** Where starting, resetting or stopping failed, in the engine's words (which carry the fix). */
  error?: string;
  busy?: 'starting' | 'resetting' | 'stopping';
  terminals: Record<string, TerminalInfo>;
  /** Machines whose terminal ended or could not open, in the sentence to show (the engine's words carry the fix). */
  exited: Record<string, string>;
  start(): Promise<void>;
  reset(): Promise<void>;
  stop(): Promise<void>;
  reopen(machine: string): void;
  terminalEnded(machine: string, why: string): void;
  /** Start over: the start panel forgets the last start's progress and error (its machines' "ready" is no longer true). */
  forgetShown(): void;
}

export function useLabSession(client: LabClient, lab: string): LabSession {
  const connection = useConnectionState(client);
  const [known, setKnown] = useState(false);
  const [session, setSession] = useState<SessionInfo>();
  const [generation, setGeneration] = useState(0);
  const lastState = useRef<string | undefined>(undefined);
  const [progress, setProgress] = useState<StartProgress>([]);
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState<LabSession['busy']>();
  const [terminals, setTerminals] = useState<Record<string, TerminalInfo>>({});
  const [exited, setExited] = useState<Record<string, string>>({});
  const current = useRef<string | undefined>(undefined);
  const opening = useRef(new Set<string>());

  const forget = useCallback(() => {
    current.current = undefined;
    setTerminals({});
    setExited({});
  }, []);

  useEffect(() => client.onEvent((e) => {
    if (e.event === 'session') {
      const s = e.session;
      if (s.lab !== lab) return;
      // A new session of this lab (ours starting, or one started from another window) takes over.
      if (current.current && s.id !== current.current && s.state !== 'starting') return;
      if (s.id !== current.current) setProgress([]);
      if (s.id !== current.current || (s.state === 'resetting' && lastState.current !== 'resetting')) setGeneration((g) => g + 1);
      lastState.current = s.state;
      current.current = s.id;
      setSession(s);
      if (s.state === 'resetting') {
        setTerminals({});
        setExited({});
        setProgress([]);
      }
      if (s.state === 'stopped' || s.state === 'failed') {
        if (s.error) setError(s.error);
        // A stopped lab's machines are gone: no row may still say "ready" (a failed start keeps its rows, which show where).
        if (s.state === 'stopped') setProgress([]);
        forget();
      }
    } else if (e.session === current.current) {
      const event = e.progress;
      setProgress((rows) => addProgress(rows, event, Date.now()));
    }
  }), [client, lab, forget]);

  // On load and after every reconnect: is a session of this lab running on the host?
  useEffect(() => {
    if (connection !== 'open') return;
    let live = true;
    client.call('listSessions', {}).then(({ sessions }) => {
      if (!live) return;
      const mine = sessions.find((s) => s.lab === lab && LIVE.has(s.state));
      if (mine) {
        if (mine.id !== current.current) setGeneration((g) => g + 1);
        current.current = mine.id;
        lastState.current = mine.state;
        setSession(mine);
      } else if (current.current) {
        // It ended while we were away.
        forget();
        setSession(undefined);
      }
      setKnown(true);
    }, (err) => { if (live) setError(errorText(err)); });
    return () => { live = false; };
  }, [client, lab, connection, forget]);

  const openTerminal = useCallback(async (s: SessionInfo, machine: string, existing?: TerminalInfo) => {
    const key = `${s.id}/${machine}`;
    if (opening.current.has(key)) return;
    opening.current.add(key);
    try {
      const t = existing ?? await client.call('openTerminal', { session: s.id, machine, cols: 100, rows: 30 });
      if (current.current !== s.id) return;
      setTerminals((all) => ({ ...all, [machine]: t }));
      setExited(({ [machine]: _gone, ...rest }) => rest);
    } catch (err) {
      if (current.current === s.id) setExited((all) => ({ ...all, [machine]: `Could not open a shell: ${errorText(err)}` }));
    } finally {
      opening.current.delete(key);
    }
  }, [client]);

  // A running session gets a terminal per machine: the ones it has (a reload re-attaches), or new
  // ones — once per session start or reconnect, not on each status event of the same session.
  const latestSession = useLatest(session);
  const runningId = session?.state === 'running' ? session.id : undefined;
  useEffect(() => {
    const s = latestSession.current;
    if (!runningId || !s || connection !== 'open') return;
    let live = true;
    client.call('listTerminals', { session: s.id }).then(({ terminals: open }) => {
      if (!live) return;
      for (const m of s.machines) {
        if (m.unavailable || m.stopped) continue;
        const existing = open.find((t) => t.machine === m.name && !t.exit);
        void openTerminal(s, m.name, existing);
      }
    }, (err) => { if (live) setError(errorText(err)); });
    return () => { live = false; };
  }, [client, runningId, latestSession, connection, openTerminal]);

  const start = useCallback(async () => {
    setError(undefined);
    setProgress([]);
    setBusy('starting');
    try {
      const s = await client.call('startLab', { lab });
      if (s.id !== current.current) setGeneration((g) => g + 1);
      current.current = s.id;
      setSession(s);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(undefined);
    }
  }, [client, lab]);

  const reset = useCallback(async () => {
    const id = current.current;
    if (!id) return;
    setError(undefined);
    setProgress([]);
    setBusy('resetting');
    setGeneration((g) => g + 1);
    try {
      setSession(await client.call('resetLab', { session: id }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(undefined);
    }
  }, [client]);

  const stop = useCallback(async () => {
    const id = current.current;
    if (!id) return;
    setBusy('stopping');
    try {
      setSession(await client.call('stopLab', { session: id }));
      forget();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(undefined);
    }
  }, [client, forget]);

  const reopen = useCallback((machine: string) => {
    if (session?.state === 'running') void openTerminal(session, machine);
  }, [session, openTerminal]);

  const terminalEnded = useCallback((machine: string, why: string) => {
    setExited((all) => ({ ...all, [machine]: `This terminal ended: ${why}` }));
  }, []);

  const forgetShown = useCallback(() => {
    setProgress([]);
    setError(undefined);
  }, []);

  return { known, session, generation, progress, error, busy, terminals, exited, start, reset, stop, reopen, terminalEnded, forgetShown };
}
