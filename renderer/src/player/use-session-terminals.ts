// One terminal per machine of a running session: the ones it has (a reload or a reconnect
// re-attaches), or new ones. They belong to one start of the machines: a reset, a stop or another
// session begins with none, in the same render (keyed state), and a terminal that opens late for
// machines already gone is dropped.
import { useCallback, useEffect, useRef } from 'react';
import type { SessionInfo, TerminalInfo } from '../../../electron/shared/api.js';
import type { ConnectionState, LabClient } from '../api/lab-client.js';
import { errorText } from '../app/client-context.js';
import { useKeyedState } from '../app/keyed-state.js';
import { useLatest } from '../app/use-latest.js';

export interface SessionTerminals {
  terminals: Record<string, TerminalInfo>;
  /** Machines whose terminal ended or could not open, in the sentence to show (the engine's words carry the fix). */
  exited: Record<string, string>;
  reopen(machine: string): void;
  terminalEnded(machine: string, why: string): void;
}

const NONE: Record<string, never> = {};

export function useSessionTerminals(client: LabClient, session: SessionInfo | undefined, generation: number,
  connection: ConnectionState, onError: (message: string) => void): SessionTerminals {
  const runningId = session?.state === 'running' ? session.id : undefined;
  const key = `${generation}/${runningId}`;
  const [terminals, setTerminals] = useKeyedState<Record<string, TerminalInfo>>(key, NONE);
  const [exited, setExited] = useKeyedState<Record<string, string>>(key, NONE);
  const latestKey = useLatest(key);
  const latestSession = useLatest(session);
  const reportError = useLatest(onError);
  const opening = useRef(new Set<string>());

  const openTerminal = useCallback(async (s: SessionInfo, machine: string, existing?: TerminalInfo) => {
    const startedFor = latestKey.current;
    const job = `${startedFor}/${machine}`;
    if (opening.current.has(job)) return;
    opening.current.add(job);
    try {
      const t = existing ?? await client.call('openTerminal', { session: s.id, machine, cols: 100, rows: 30 });
      if (latestKey.current !== startedFor) return;
      setTerminals((all) => ({ ...all, [machine]: t }));
      setExited(({ [machine]: _gone, ...rest }) => rest);
    } catch (err) {
      if (latestKey.current === startedFor) setExited((all) => ({ ...all, [machine]: `Could not open a shell: ${errorText(err)}` }));
    } finally {
      opening.current.delete(job);
    }
  }, [client, latestKey, setTerminals, setExited]);

  // Once per start of the machines and per reconnect, not on each status event of the same session.
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
    }, (err) => { if (live) reportError.current(errorText(err)); });
    return () => { live = false; };
  }, [client, runningId, generation, latestSession, connection, openTerminal, reportError]);

  const reopen = useCallback((machine: string) => {
    const s = latestSession.current;
    if (s?.state === 'running') void openTerminal(s, machine);
  }, [latestSession, openTerminal]);

  const terminalEnded = useCallback((machine: string, why: string) => {
    setExited((all) => ({ ...all, [machine]: `This terminal ended: ${why}` }));
  }, [setExited]);

  return { terminals, exited, reopen, terminalEnded };
}
