// What every metric gets: the engine, how many runs, where to report progress, where the fixtures are.
import type Docker from 'dockerode';
import { join } from 'node:path';
import type { EngineInfo } from '../electron/engine/machines/docker-engine.js';
import { loadLab, type LoadedLab } from '../electron/engine/labs/load.js';
import { bundledLabsDir, packageRoot } from '../electron/engine/paths.js';
import type { MachineInfo } from './machine.js';
import type { Plan } from './measure.js';

export interface BenchContext {
  docker: Docker;
  engine: EngineInfo;
  quick: boolean;
  /** Runs for machine starts (seconds each) and for cheap operations (milliseconds each). */
  slow: Plan;
  fast: Plan;
  machine: MachineInfo;
  progress(line: string): void;
}

export const benchLab = (id: string): Promise<LoadedLab> => loadLab(join(packageRoot(), 'bench', 'labs', id));
export const bundledLab = (id: string): Promise<LoadedLab> => loadLab(join(bundledLabsDir(), id));
