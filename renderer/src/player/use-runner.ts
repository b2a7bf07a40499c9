// The player's Runner (runner-context.ts), made anew when what it reports changes.
import { useMemo, type RefObject } from 'react';
import type { MachineStatus, TerminalInfo } from '../../../electron/shared/api.js';
import type { LensName } from '../lens/lenses.js';
import type { TerminalHandle } from '../terminal/TerminalView.js';
import { typedCommand } from './fence-info.js';
import type { Runner } from './runner-context.js';

export interface RunnerState {
  machines: MachineStatus[];
  running: boolean;
  terminals: Record<string, TerminalInfo>;
  exited: Record<string, string>;
  ranBlocks: ReadonlySet<string>;
  handles: RefObject<Map<string, TerminalHandle>>;
  /** A block was typed into `machine`'s terminal. */
  onRan(machine: string, block: string): void;
  openLens(lens: LensName): void;
}

export function usePlayerRunner({ machines, running, terminals, exited, ranBlocks, handles, onRan, openLens }: RunnerState): Runner {
  return useMemo(() => ({
    run: (machine, code, block) => {
      const handle = handles.current.get(machine);
      if (!handle) return false;
      handle.type(typedCommand(code));
      onRan(machine, block);
      return true;
    },
    ran: (block) => ranBlocks.has(block),
    kindOf: (machine) => machines.find((m) => m.name === machine)?.kind,
    openLens,
    lensBlocked: () => (running ? undefined : 'Start the lab first'),
    blocked: (machine) => {
      const m = machines.find((x) => x.name === machine);
      if (!m) return `this lab has no machine "${machine}"`;
      if (!running) return 'Start the lab first';
      if (m.unavailable) return `${machine} is unavailable: ${m.unavailable}`;
      if (m.stopped) return `${machine} stopped: ${m.stopped.split('\n')[0]}`;
      if (!terminals[machine] || exited[machine]) return `${machine} has no open terminal`;
      return undefined;
    },
  }), [machines, running, terminals, exited, ranBlocks, handles, onRan, openLens]);
}
