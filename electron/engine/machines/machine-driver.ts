// One driver per machine kind, behind one interface: the lab session starts, scripts, opens
// terminals on and stops its machines without knowing what they are. A new kind is a new driver
// (drivers.ts), not an edit of the session.
import type Docker from 'dockerode';
import type { MachineKind, MachineStatus } from '../../shared/api.js';
import type { Lab } from '../labs/schema.js';
import type { EngineInfo } from './docker-engine.js';
import type { ProgressSink } from '../progress.js';
import type { ScriptOptions, ScriptResult } from './script-result.js';
import type { TerminalTarget } from '../terminals/terminal-registry.js';
import type { Role } from '../labels.js';

/** What a driver's start reports: the API's MachineStatus, which the session passes on as is. */
export type { MachineStatus };

/** Where a machine's processes run, and where a shell looks from. */
export type Place = 'docker-host' | 'computer';

/** What a driver may ask of the session it belongs to. */
export interface SessionContext {
  readonly docker: Docker;
  readonly engine: EngineInfo;
  readonly session: string;
  readonly lab: Lab;
  labels(role: Role): Record<string, string>;
  /** The engine's reference of a lab image (or labvisor/base). */
  imageRef(image: string): string;
  /** What every machine is told of its lab (LAB_ID, LAB_SESSION, LAB_HOST_BOOT_ID). */
  machineEnv(): Promise<Record<string, string>>;
  /** Also the names of everything, for the shells that drive the engine. */
  driverEnv(): Promise<Record<string, string>>;
  /** The session's work folder on the learner's computer. */
  computerWorkdir(): string;
  /** What the session's machines tell the shells at `place` about themselves. */
  factsFor(place: Place): Record<string, string>;
  /** Throws once the session is being stopped. */
  assertNotStopping(): void;
  /** Resolves once the session's networks and volumes exist: wait for it before creating a container. */
  resourcesReady(): Promise<void>;
  /** Tells the session that a machine stopped by itself; its driver's `stopped` says why. */
  machineStopped(machine: string): void;
}

export interface MachineDriver {
  readonly name: string;
  readonly kind: MachineKind;
  /** Where its processes run: on the Docker host (containers, the host view) or on the learner's computer. */
  readonly runsOn: Place;
  /** Its container on the engine, for a learner to start again by name (`docker start`) when it stopped; VMs and the learner's computer have none. */
  readonly container?: string;
  /** Creates and starts the machine; resolves once it can run commands. */
  start(sink: ProgressSink): Promise<MachineStatus>;
  runScript(script: string, opts: ScriptOptions): Promise<ScriptResult>;
  terminalTarget(): Promise<TerminalTarget>;
  /** Stops what the engine's labels cannot find (processes on this computer); containers go with the session. */
  stop(): Promise<void>;
  /** Why the machine stopped by itself after its start, once it did (only VMs notice it). */
  readonly stopped?: string;
  /** Variables about this machine for the shells at `place` that can see it (LAB_QEMU_PID_VM). */
  facts(place: Place): Record<string, string>;
  /** Leaves it running after this process exits (`run --keep`). */
  keep(): void;
}
