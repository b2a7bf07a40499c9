// Loading a workshop bundle from the catalog: Electron's file picker gives its path, a browser asks
// for it (the bundle dialog). The engine verifies and loads it while `bundle` events report its
// progress; the dialog then says what it brought, or why it was refused, with the path kept to retry.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BundleProgress, Result } from '../../../electron/shared/api.js';
import { errorText, useClient } from '../app/client-context.js';

export interface BundleState {
  path: string;
  busy?: boolean;
  progress?: BundleProgress;
  error?: string;
  loaded?: Result<'loadBundle'>;
}

export function useLoadBundle(loadedLabs: (labs: string[]) => void) {
  const client = useClient();
  const [state, setState] = useState<BundleState>();
  const busy = useRef(false);

  useEffect(() => client.onEvent((e) => {
    if (e.event === 'bundle' && busy.current) setState((s) => s && { ...s, progress: e.progress });
  }), [client]);

  const load = useCallback(async (path: string) => {
    busy.current = true;
    setState({ path, busy: true });
    try {
      const loaded = await client.call('loadBundle', { path });
      setState({ path, loaded });
      loadedLabs(loaded.labs);
    } catch (err) {
      setState({ path, error: errorText(err) });
    } finally {
      busy.current = false;
    }
  }, [client, loadedLabs]);

  /** The button and the B key: the picker in Electron, the path dialog in a browser. */
  const choose = useCallback(async () => {
    if (busy.current) return;
    if (!client.pickBundleFile) return setState({ path: '' });
    const path = await client.pickBundleFile();
    if (path) await load(path);
  }, [client, load]);

  // A load keeps going on the engine when the dialog closes: only a finished one may close it.
  const close = useCallback(() => { if (!busy.current) setState(undefined); }, []);

  return { state, load, choose, close };
}
