// Runs a step's check: every item must pass. Script items run in their machine; probe items
// ask the engine. Learner-facing messages come from FAIL: lines or the probe's finding.
import type { Check } from '../labs/schema.js';
import type { ScriptResult } from '../machines/script-result.js';
import { type CheckResult, failLines, tail } from './check-result.js';
import { type ProbeContext, runProbe } from './probes.js';

export const CHECK_TIMEOUT_S = 30;

export interface CheckContext extends ProbeContext {
  runScript(machine: string, script: string, timeoutMs: number): Promise<ScriptResult>;
}

export function describeScriptFailure(r: ScriptResult, timeoutS: number): string[] {
  if (r.timedOut) return [`timed out after ${timeoutS} s`];
  // Which machine and why, not the tail of a long reason (a stopped VM's ends in console lines).
  if (r.notRun) return [r.output.split('\n')[0]!];
  const said = failLines(r.output);
  if (said.length) return said;
  const last = tail(r.output);
  return [`exited with code ${r.exitCode}${last ? `: ${last}` : ''}`];
}

export async function runCheck(ctx: CheckContext, items: Check[]): Promise<CheckResult> {
  const results = await Promise.all(items.map(async (item): Promise<CheckResult> => {
    if ('script' in item) {
      const timeoutS = item.timeout ?? CHECK_TIMEOUT_S;
      const r = await ctx.runScript(item.machine, item.script, timeoutS * 1000);
      return r.exitCode === 0 && !r.timedOut
        ? { ok: true, messages: [] }
        : { ok: false, messages: describeScriptFailure(r, timeoutS) };
    }
    const { ok, message } = await runProbe(ctx, item);
    return { ok, messages: ok ? [] : [message] };
  }));
  return { ok: results.every((r) => r.ok), messages: results.flatMap((r) => r.messages) };
}
