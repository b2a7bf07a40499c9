// The page's API client and its connection state, for any component.
import { createContext, useCallback, useContext, useSyncExternalStore } from 'react';
import type { ConnectionState, LabClient } from '../api/lab-client.js';

export const ClientContext = createContext<LabClient | null>(null);

export function useClient(): LabClient {
  const client = useContext(ClientContext);
  if (!client) throw new Error('useClient outside <ClientContext>');
  return client;
}

export function useConnectionState(client: LabClient): ConnectionState {
  const subscribe = useCallback((changed: () => void) => client.onState(changed), [client]);
  return useSyncExternalStore(subscribe, () => client.state);
}

/** A message for an error of any kind. */
export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));
