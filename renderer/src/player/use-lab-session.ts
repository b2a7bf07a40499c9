// The lab's session as the player sees it: found again after a reload or reconnect
// (listSessions), started, reset and stopped on request, its start progress folded from
// `progress` events, and its terminals (use-session-terminals.ts) once it runs.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { SessionInfo } from '../../../electron/shared/api.js';
import type { LabClient } from '../api/lab-client.js';
import { errorText, useConnectionState } from '../app/client-context.js';
import { addProgress, type StartProgress } from './start-progress.js';
import { useSessionTerminals, type SessionTerminals } from './use-session-terminals.js';

const LIVE = new Set(['starting', 'running', 'resetting']);

export interface LabSession extends SessionTerminals {
  /** False until the first listSessions answered (no flash of "Start" on reload). */
  known: boolean;
  session?: SessionInfo;
  /** Counts the times the machines were made anew (another session, a reset): what was true of the old ones is not of these. */
  generation: number;
  progress: StartProgress;
  /** Where starting, resetting or stopping failed, in the engine's words (which carry the fix). */
  error?: string;
  busy?: 'starting' | 'resetting' | 'stopping';
  start(): Promise<void>;
  reset(): Promise<void>;
  stop(): Promise<void>;
  /** Why the session ended while the page was away (the server restarted under it), until the next start. */
  endedAway?: string;
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
  const [endedAway, setEndedAway] = useState<string>();
  const current = useRef<string | undefined>(undefined);
  const sessionTerminals = useSessionTerminals(client, session, generation, connection, setError);

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
      if (s.state === 'resetting') setProgress([]);
      if (s.state === 'stopped' || s.state === 'failed') {
        if (s.error) setError(s.error);
        // A stopped lab's machines are gone: no row may still say "ready" (a failed start keeps its rows, which show where).
        if (s.state === 'stopped') setProgress([]);
        current.current = undefined;
      }
    } else if (e.event === 'progress' && e.session === current.current) {
      const event = e.progress;
      setProgress((rows) => addProgress(rows, event, Date.now()));
    }
  }), [client, lab]);

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
        current.current = undefined;
        setSession(undefined);
        setEndedAway('This lab stopped while the page was away: the server restarted (which stops its labs), or it was stopped elsewhere. Start it again to carry on from your step.');
        setProgress([]);
      }
      setKnown(true);
    }, (err) => { if (live) setError(errorText(err)); });
    return () => { live = false; };
  }, [client, lab, connection]);

  const start = useCallback(async () => {
    setEndedAway(undefined);
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
      current.current = undefined;
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(undefined);
    }
  }, [client]);

  const forgetShown = useCallback(() => {
    setProgress([]);
    setError(undefined);
  }, []);

  return { known, session, generation, progress, error, busy, ...sessionTerminals, start, reset, stop, forgetShown, ...(endedAway ? { endedAway } : {}) };
}
