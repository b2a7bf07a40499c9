// Presenter mode's "Play in terminal": a solution block typed into its machine's terminal at a
// readable pace (terminal/type-into-terminal.ts), so the room sees each command typed and run.
// One play at a time; it brings the machine's terminal forward first and opens a new shell there
// if the last one ended. Esc stops it (in a terminal too: the typing is ours, not the shell's);
// D plays the step's next solution block. Leaving the step, the machines' start or presenter
// mode stops it.
import { useCallback, useEffect, useRef, useState, type RefObject } from 'react';
import type { MachineStatus, TerminalInfo } from '../../../electron/shared/api.js';
import { typingInto } from '../app/shortcuts.js';
import { useLatest } from '../app/use-latest.js';
import type { TerminalHandle } from '../terminal/TerminalView.js';
import { typeIntoTerminal, type Typing } from '../terminal/type-into-terminal.js';
import { typedCommand } from './fence-info.js';

export interface DemoPlay {
  /** The block being played, and whether it is still waiting for its terminal to open. */
  playing: { block: string; opening: boolean } | undefined;
  play(machine: string, code: string, block: string): void;
  stop(): void;
  /** Why a block for `machine` cannot be played now, or undefined. */
  blocked(machine: string): string | undefined;
}

/** The name of a step's `i`th solution block (its Run and Play marks). */
export const solutionBlock = (step: string, i: number) => `${step}-solution-${i}`;

interface Options {
  /** Presenter mode: off, there is nothing to play. */
  enabled: boolean;
  running: boolean;
  machines: MachineStatus[];
  terminals: Record<string, TerminalInfo>;
  exited: Record<string, string>;
  handles: RefObject<Map<string, TerminalHandle>>;
  reopen(machine: string): void;
  /** Brings the machine's terminal forward. */
  show(machine: string): void;
  /** The block was typed to its end (its Run mark, as after Run). */
  onPlayed(machine: string, block: string): void;
  /** The step and start of the machines: a play ends when it changes. */
  scope: string;
  /** The current step's solution, for D. */
  solution: { step: string; blocks: { machine: string; script: string }[]; shown: boolean } | undefined;
  showSolution(): void;
  ranBlocks: ReadonlySet<string>;
}

/** A play asked for; until its terminal is ready it waits (`ended*`: the shell that had ended, if any). */
interface Play { machine: string; code: string; block: string; endedId?: string; endedWhy?: string }

export function useDemoPlay(o: Options): DemoPlay | undefined {
  const { enabled, running, machines, terminals, exited, handles } = o;
  const [play, setPlay] = useState<Play | null>(null);
  /** The play being typed, with its typist. */
  const typing = useRef<{ play: Play; typist: Typing } | null>(null);
  const latest = useLatest(o);

  const stop = useCallback(() => {
    typing.current?.typist.stop();
    typing.current = null;
    setPlay(null);
  }, []);
  useEffect(() => stop, [o.scope, enabled, stop]);

  const blocked = useCallback((machine: string) => {
    // As Run's, but for a closed terminal: playing opens a new one.
    const m = machines.find((x) => x.name === machine);
    if (!m) return `this lab has no machine "${machine}"`;
    if (!running) return 'Start the lab first';
    if (m.unavailable) return `${machine} is unavailable: ${m.unavailable}`;
    if (m.stopped) return `${machine} stopped: ${m.stopped.split('\n')[0]}`;
    return undefined;
  }, [machines, running]);

  const start = useCallback((machine: string, code: string, block: string) => {
    const { terminals, exited, reopen, show } = latest.current;
    typing.current?.typist.stop();
    typing.current = null;
    show(machine);
    const why = exited[machine];
    if (why) reopen(machine);
    setPlay({ machine, code, block, ...(why ? { endedWhy: why, endedId: terminals[machine]?.id } : {}) });
  }, [latest]);

  // Its terminal is ready when open, and not the one that had ended; a new shell that could not
  // open ends the play (its pane says why).
  const info = play ? terminals[play.machine] : undefined;
  const why = play ? exited[play.machine] : undefined;
  const failed = why !== undefined && why !== play?.endedWhy;
  const current = failed ? null : play;
  const ready = current !== null && info !== undefined && why === undefined && info.id !== current.endedId;

  useEffect(() => {
    if (!current || !ready || typing.current?.play === current) return;
    const { machine } = current;
    const handle = handles.current.get(machine);
    if (!handle) return;
    const typist = typeIntoTerminal(typedCommand(current.code), (c) => {
      // A shell that ends while it is typed into takes nothing more.
      if (latest.current.exited[machine]) stop();
      else handle.type(c);
    });
    typing.current = { play: current, typist };
    void typist.done.then((finished) => {
      if (typing.current?.typist !== typist) return;
      typing.current = null;
      setPlay(null);
      if (finished) latest.current.onPlayed(machine, current.block);
    });
  }, [current, ready, handles, stop, latest]);

  const playing = current !== null;
  useEffect(() => {
    if (!enabled) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey || document.querySelector('dialog[open]')) return;
      if (e.key === 'Escape' && playing) {
        // Captured before the terminal sees it: the Esc is the presenter's, not the shell's.
        e.preventDefault();
        e.stopPropagation();
        stop();
      } else if ((e.key === 'd' || e.key === 'D') && !playing && !typingInto(e.target)) {
        const { solution, showSolution, ranBlocks } = latest.current;
        if (!solution?.blocks.length) return;
        e.preventDefault();
        if (!solution.shown) showSolution();
        // The next block not yet run or played; all of them done, the first again.
        const i = Math.max(0, solution.blocks.findIndex((_, i) => !ranBlocks.has(solutionBlock(solution.step, i))));
        const b = solution.blocks[i]!;
        if (!blocked(b.machine)) start(b.machine, b.script, solutionBlock(solution.step, i));
      }
    };
    window.addEventListener('keydown', onKey, true);
    return () => window.removeEventListener('keydown', onKey, true);
  }, [enabled, playing, stop, start, blocked, latest]);

  if (!enabled) return undefined;
  return { playing: current ? { block: current.block, opening: !ready } : undefined, play: start, stop, blocked };
}
