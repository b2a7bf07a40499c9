// How a lens reads facts inside a session's machines. The process that runs a session talks to
// its VMs through the agent it holds (LabSession.runScript); any other process — `labvisor lens`
// on a kept session — reaches containers with exec and a VM through its agent socket, which is
// free once the runner let go of it.
import type Docker from 'dockerode';
import { join } from 'node:path';
import { runContainerScript } from '../machines/container-exec.js';
import { AgentClient } from '../machines/vm/agent-client.js';
import { connectLines } from '../machines/vm/line-socket.js';
import { readVmRecords } from '../machines/vm/vm-records.js';
import { containerName } from '../sessions/names.js';

/** Runs a short read-only script in a machine; undefined when the machine cannot be reached. */
export type MachineRunner = (session: string, machine: string, kind: 'container' | 'vm', script: string) => Promise<string | undefined>;

const TIMEOUT_MS = 5000;

/** Access from outside the session's own process: exec for containers, the agent socket for VMs. */
export function recordAccess(docker: Docker): MachineRunner {
  return async (session, machine, kind, script) => {
    if (kind === 'container') {
      const r = await runContainerScript(docker, containerName(session, machine), script, { timeoutMs: TIMEOUT_MS }).catch(() => undefined);
      return r && r.exitCode === 0 ? r.output : undefined;
    }
    const rec = (await readVmRecords()).find((v) => v.session === session && v.machine === machine);
    if (!rec) return undefined;
    // QEMU serves one client on the agent socket: while the session's runner holds it, this connect goes unanswered.
    const lines = await connectLines(join(rec.runDir, 'agent.sock'), 1000).catch(() => undefined);
    if (!lines) return undefined;
    try {
      const r = await new AgentClient(lines).run(script, { timeoutMs: TIMEOUT_MS }).catch(() => undefined);
      return r && r.exitCode === 0 ? r.output : undefined;
    } finally {
      lines.close();
    }
  };
}
