// The lab bar's actions in the player: Start, and Stop, Reset and Start over once the learner
// confirmed them (what is asked is here); each moves the focus to where the learner works next.
import { useState } from 'react';
import type { Confirm } from './LabBar.js';
import { FOCUS, START_FOCUS_MS } from './use-focus-later.js';
import type { LabSession } from './use-lab-session.js';

export const CONFIRMS: Record<Confirm, { title: string; body: string; confirm: string }> = {
  'stop': { title: 'Stop the lab?', body: 'Every machine, volume and network of this lab is removed. Your progress through the steps is kept.', confirm: 'Stop lab' },
  'reset': { title: 'Reset the lab?', body: 'The machines and volumes are made anew, as at the start; what you did in them is lost, and so are the marks of the steps checked in them. The step you are on, your hints and answers are kept.', confirm: 'Reset lab' },
  'start-over': { title: 'Start over?', body: 'Your progress in this lab is forgotten and the machines are made anew.', confirm: 'Start over' },
};

interface Args {
  ls: LabSession;
  running: boolean;
  focusLater(selector: string, timeoutMs?: number): void;
  /** Start over: forgets the learner's progress in this lab. */
  clear(): Promise<void>;
  /** Start over: forgets which blocks ran and what the check said on the old machines. */
  forgetRuns(): void;
}

export function useLabActions({ ls, running, focusLater, clear, forgetRuns }: Args) {
  const [confirm, setConfirm] = useState<Confirm | null>(null);
  const start = () => {
    void ls.start();
    focusLater(FOCUS.anyTerminal, START_FOCUS_MS);
  };
  const doConfirm = async (what: Confirm) => {
    setConfirm(null);
    if (what === 'stop') {
      focusLater(FOCUS.start, START_FOCUS_MS);
      await ls.stop();
    }
    if (what === 'reset') {
      focusLater(FOCUS.anyTerminal, START_FOCUS_MS);
      await ls.reset();
    }
    if (what === 'start-over') {
      focusLater(running ? FOCUS.anyTerminal : FOCUS.start, START_FOCUS_MS);
      await clear().catch(() => {});
      forgetRuns();
      ls.forgetShown();
      if (running) await ls.reset();
    }
  };
  return { confirm, setConfirm, start, doConfirm };
}
