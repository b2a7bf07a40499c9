// How a lens reads facts inside a session's machines. The process that runs a session talks to
// its VMs through the agent channel it holds (LabSession.runScript); any other process —
// `labvisor lens` on a kept session — reaches containers with exec and a VM through its runner's
// agent channel, which is free once the session's process let go of it.
import type Docker from 'dockerode';
import type { LensMachineKind } from '../../shared/api.js';
import { runContainerScript } from '../machines/container-exec.js';
import { openAgent } from '../machines/vm/agent-bridge.js';
import { containerName } from '../sessions/names.js';

/** Runs a short read-only script in a machine; undefined when the machine cannot be reached. */
export type MachineRunner = (session: string, machine: string, kind: LensMachineKind, script: string) => Promise<string | undefined>;

const TIMEOUT_MS = 5000;

/** Access from outside the session's own process: exec for containers, the runner's agent channel for VMs. */
export function recordAccess(docker: Docker): MachineRunner {
  return async (session, machine, kind, script) => {
    if (kind === 'container') {
      const r = await runContainerScript(docker, containerName(session, machine), script, { timeoutMs: TIMEOUT_MS }).catch(() => undefined);
      return r && r.exitCode === 0 ? r.output : undefined;
    }
    // While the session's own process holds the agent, this one is refused at once.
    const opened = await openAgent(docker, containerName(session, machine)).catch(() => undefined);
    if (!opened) return undefined;
    try {
      const r = await opened.agent.run(script, { timeoutMs: TIMEOUT_MS }).catch(() => undefined);
      return r && r.exitCode === 0 ? r.output : undefined;
    } finally {
      await opened.bridge.close();
    }
  };
}
