// Whether the server this page talks to restarted since the page first connected (the client
// counts new boot ids on reconnects: ws-client.ts). `serve --port N` keeps its token, so the page
// gets back in; the labs ended with the old server, which the player says where one was open.
import { useCallback, useState, useSyncExternalStore } from 'react';
import type { LabClient } from '../api/lab-client.js';

export function useServerRestarted(client: LabClient): { restarted: boolean; dismiss(): void } {
  const subscribe = useCallback((changed: () => void) => client.onState(changed), [client]);
  const restarts = useSyncExternalStore(subscribe, () => client.serverRestarts ?? 0);
  const [dismissed, setDismissed] = useState(0);
  return { restarted: restarts > dismissed, dismiss: () => setDismissed(restarts) };
}
