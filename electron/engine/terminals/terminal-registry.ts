// The terminals of one lab session, by id. A VM has one serial console, so opening its
// terminal again returns the running one; every other machine gets a new shell each time.
import type Docker from 'dockerode';
import type { MachineKind } from '../../shared/api.js';
import { assertSize, TerminalSession } from './terminal-session.js';
import type { TerminalSource } from './terminal-source.js';
import { openContainerTerminal } from './container-source.js';
import { openVmConsole, type VmConsole } from './vm-console-source.js';
import { openHostTerminal } from './host-pty-source.js';

/** How a machine's terminal is reached: an exec in a container, a VM's serial console, a local pty. */
export type TerminalTarget =
  | { via: 'exec'; docker: Docker; container: string; env?: Record<string, string> }
  | { via: 'console'; vm: VmConsole }
  | { via: 'pty'; cwd: string; env: Record<string, string> };

function openSource(target: TerminalTarget, cols: number, rows: number): Promise<TerminalSource> | TerminalSource {
  switch (target.via) {
    case 'exec': return openContainerTerminal(target.docker, target.container, cols, rows, target.env);
    case 'console': return openVmConsole(target.vm, cols, rows);
    case 'pty': return openHostTerminal(target.cwd, target.env, cols, rows);
  }
}

export class TerminalRegistry {
  private readonly sessions = new Map<string, TerminalSession>();
  /** The console terminal of each VM machine (being) opened. */
  private readonly consoles = new Map<string, Promise<TerminalSession>>();
  private closed = false;
  /** Told of every terminal opened from now on (a recording joins it). */
  private readonly openListeners = new Set<(t: TerminalSession) => void>();

  async open(machine: string, kind: MachineKind, target: TerminalTarget, cols: number, rows: number): Promise<TerminalSession> {
    assertSize(cols, rows);
    if (this.closed) throw new Error('the lab session is stopping: no new terminals');
    if (target.via !== 'console') return this.add(new TerminalSession(machine, kind, await openSource(target, cols, rows), { cols, rows }));
    return this.openConsole(machine, kind, target, cols, rows);
  }

  /** Chained per machine, so two opens at once still share one console terminal. */
  private openConsole(machine: string, kind: MachineKind, target: TerminalTarget, cols: number, rows: number): Promise<TerminalSession> {
    const previous = this.consoles.get(machine) ?? Promise.reject(new Error('no console terminal yet'));
    const opening = previous.then((t) => {
      if (t.exit || !this.sessions.has(t.id)) throw new Error('the console terminal ended');
      t.resize(cols, rows); // the newest view sets the size of the one serial line
      return t;
    }).catch(async () => this.add(new TerminalSession(machine, kind, await openSource(target, cols, rows), { cols, rows })));
    this.consoles.set(machine, opening);
    return opening;
  }

  /** Calls `listener` with each terminal opened from now on; returns the unsubscribe. */
  onOpen(listener: (t: TerminalSession) => void): () => void {
    this.openListeners.add(listener);
    return () => { this.openListeners.delete(listener); };
  }

  get(id: string): TerminalSession | undefined { return this.sessions.get(id); }

  list(): TerminalSession[] { return [...this.sessions.values()]; }

  /** Closes one terminal and forgets it. */
  async close(id: string): Promise<void> {
    const t = this.sessions.get(id);
    if (!t) return;
    this.sessions.delete(id);
    await t.close();
  }

  /** Every terminal of the session (it stops or resets); refuses new ones when `final`. */
  async closeAll(final: boolean): Promise<void> {
    this.closed ||= final;
    await Promise.all([...this.consoles.values()].map((p) => p.catch(() => undefined))); // let opening ones land
    this.consoles.clear();
    await Promise.all([...this.sessions.keys()].map((id) => this.close(id)));
  }

  private add(t: TerminalSession): TerminalSession {
    if (this.closed) {
      void t.close();
      throw new Error('the lab session is stopping: no new terminals');
    }
    this.sessions.set(t.id, t);
    for (const l of [...this.openListeners]) l(t);
    return t;
  }
}
