// What step markdown's Run buttons and lens links act through and read their state from. It is a
// context, not a prop the markdown's components capture: a new runner on every change of the
// machines then re-renders the blocks (their ✓ and disabled state) without remounting them, so a
// Run button keeps the keyboard focus.
import { createContext, useContext } from 'react';
import type { MachineKind } from '../../../electron/shared/api.js';
import type { LensName } from '../lens/lenses.js';

export interface Runner {
  /** Types the code into the machine's terminal; false when it has none (yet). `block` names the block (for "ran"). */
  run(machine: string, code: string, block: string): boolean;
  /** Whether a block was run on these machines (kept by the player: blocks re-render freely). */
  ran(block: string): boolean;
  kindOf(machine: string): MachineKind | undefined;
  /** Why Run is not possible now (no session, machine unavailable), or undefined. */
  blocked(machine: string): string | undefined;
  /** Opens a lens beside the terminals (a `lens:` link in the markdown). */
  openLens(lens: LensName): void;
  /** Why no lens can open now (the lab is not running), or undefined. */
  lensBlocked(): string | undefined;
}

export const RunnerContext = createContext<Runner | null>(null);

export function useRunner(): Runner {
  const runner = useContext(RunnerContext);
  if (!runner) throw new Error('useRunner outside <RunnerContext>');
  return runner;
}
