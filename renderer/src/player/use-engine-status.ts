// The Docker engine as the host reports it while sessions run (`engine` events, see
// electron/host-common/engine-watch.ts): down while it does not answer; once back, which sessions
// it ended (their machines stopped with it, the host removed what was left).
import { useEffect, useState } from 'react';
import type { EngineStatus } from '../../../electron/shared/api.js';
import type { LabClient } from '../api/lab-client.js';

export function useEngineStatus(client: LabClient): EngineStatus | undefined {
  const [status, setStatus] = useState<EngineStatus>();
  useEffect(() => client.onEvent((e) => { if (e.event === 'engine') setStatus(e.engine); }), [client]);
  return status;
}
