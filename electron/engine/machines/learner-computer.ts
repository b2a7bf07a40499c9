// A lab machine of kind `learner-computer`: a shell on the learner's own computer, only for
// lessons about that computer (it may be macOS, Windows or Linux, so scripts must be portable
// sh). Its facts (OS, kernel, boot id where there is one) are variables, so a lab compares them
// with the Docker host's without reading files itself.
import { readFileSync } from 'node:fs';
import { release } from 'node:os';
import type { Machine } from '../labs/schema.js';
import type { TerminalTarget } from '../terminals/terminal-registry.js';
import { runHostScript } from './host-script.js';
import type { MachineDriver, MachineStatus, SessionContext } from './machine-driver.js';
import type { ScriptOptions, ScriptResult } from './script-result.js';

/** This computer's facts, as LAB_COMPUTER_* variables. */
export function computerFacts(): Record<string, string> {
  let bootId = '';
  if (process.platform === 'linux') {
    try { bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim(); } catch { /* no procfs */ }
  }
  return {
    LAB_COMPUTER_OS: process.platform, LAB_COMPUTER_KERNEL: release(),
    ...(bootId ? { LAB_COMPUTER_BOOT_ID: bootId } : {}),
  };
}

export class LearnerComputer implements MachineDriver {
  readonly kind = 'learner-computer';
  readonly runsOn = 'computer';
  readonly name: string;

  constructor(spec: Machine, private readonly ctx: SessionContext) {
    this.name = spec.name;
  }

  async start(): Promise<MachineStatus> {
    return { name: this.name, kind: this.kind, readyMs: 0 };
  }

  private async env(): Promise<Record<string, string>> {
    return { ...await this.ctx.driverEnv(), ...computerFacts(), ...this.ctx.factsFor('computer'), LAB_WORKDIR: this.ctx.computerWorkdir() };
  }

  async runScript(script: string, opts: ScriptOptions): Promise<ScriptResult> {
    return runHostScript(script, this.ctx.computerWorkdir(), { ...opts, env: { ...await this.env(), ...opts.env } });
  }

  async terminalTarget(): Promise<TerminalTarget> {
    return { via: 'pty', cwd: this.ctx.computerWorkdir(), env: await this.env() };
  }

  async stop(): Promise<void> {} // its terminals and scripts end with the session's
  facts(): Record<string, string> { return {}; }
  keep(): void {}
}
