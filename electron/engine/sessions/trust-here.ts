// Why a lab needs the learner's trust before it starts on this computer: what its files ask for
// (trust.ts), and each fixed host port of it that another program here already listens on.
import type { LoadedLab } from '../labs/load.js';
import type { Diagnostic } from '../labs/diagnostics.js';
import type { EngineInfo } from '../machines/docker-engine.js';
import { portInUse } from '../machines/host-ports.js';

/**
 * The lab's trust reasons, and each fixed host port that another program already listens on.
 * Ports are published on the Docker host's loopback, which Docker Desktop and colima forward to
 * this computer's: only a remote engine's ports cannot be looked at from here (a taken one
 * fails the start instead, see port-publisher.ts).
 */
export async function trustReasonsHere(loaded: LoadedLab, engine: EngineInfo): Promise<Diagnostic[]> {
  if (engine.location === 'remote') return loaded.trustReasons;
  const taken = await Promise.all(loaded.fixedPorts.map(async (p) => (await portInUse(p.port)
    ? [{ ...p.where, message: `machine "${p.machine}" takes port ${p.port} on your computer, which another program already listens on` }]
    : [])));
  return [...loaded.trustReasons, ...taken.flat()];
}
