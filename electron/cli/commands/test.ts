// `labvisor test LAB [--keep] [--json] [--trust]`: the lab author's proof that a lab works.
// Same loop as `run --solve` (solve-lab.ts), reported step by step for a person fixing the lab:
// which step broke, in which phase, and what its check says. Cleans up unless --keep.
import { parseArgs } from 'node:util';
import { loadLab } from '../../engine/labs/load.js';
import type { Step } from '../../engine/labs/schema.js';
import { LabSession } from '../../engine/sessions/lab-session.js';
import { solveLab, type StepOutcome } from '../../engine/sessions/solve-lab.js';
import { machineJson, stepJson } from '../json-shapes.js';
import { printJson, say, UsageError } from '../output.js';
import { progressView } from '../progress-view.js';
import { connectAndCollect } from './engine-connection.js';
import { keep, resolveLab, withInterruptCleanup } from './run.js';

const USAGE = 'usage: labvisor test LAB [--keep] [--json] [--trust]';
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

/** Only the closing "what you learned" step may go without a check or a question: any other is untested. */
export function uncheckedSteps(steps: Step[]): string[] {
  return steps.slice(0, -1).filter((s) => !s.check && !s.question).map((s) => s.id);
}

function describe(step: Step, o: StepOutcome): string {
  if (!o.ok || step.question) return o.message;
  if (!step.check) return 'no check';
  return step.failsFirst === false ? 'solution ran, check passed' : 'check failed first, solution ran, check passed';
}

export async function test(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { keep: { type: 'boolean' }, json: { type: 'boolean' }, trust: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError(USAGE);
  const { dir, bundled } = resolveLab(positionals[0]!);
  const loaded = await loadLab(dir);
  const { lab } = loaded;
  const unchecked = uncheckedSteps(lab.steps);
  if (unchecked.length) {
    say(`Lab "${lab.id}": step(s) ${unchecked.join(', ')} have no check; only the last step (what you learned) may go without one.`);
    return 1;
  }

  const { docker, info } = await connectAndCollect();
  const session = new LabSession(docker, info, loaded);
  return withInterruptCleanup(() => session.stop(), async () => {
    say(`Testing lab "${lab.id}" (session ${session.id}) on ${info.target}`);
    const began = Date.now();
    const progress = progressView();
    await session.start({ trust: bundled || values.trust, progress }).finally(() => progress.stop());
    say(`setup    ${seconds(Date.now() - began)}  ${session.machines.map((m) => `${m.name} (${m.kind}) ${m.unavailable ? 'unavailable' : `${m.readyMs} ms`}`).join(', ')}`);

    const total = lab.steps.length;
    const steps = await solveLab(session, (o) => {
      const index = lab.steps.findIndex((s) => s.id === o.id);
      const step = lab.steps[index]!;
      say(`${o.ok ? 'ok  ' : 'FAIL'} ${`${index + 1}/${total}`.padStart(5)} ${o.id.padEnd(20)} ${seconds(o.ms).padStart(7)}  ${describe(step, o)}`);
    });
    const failed = steps.find((s) => !s.ok);
    if (failed) await explain(session, failed);
    const ok = !failed && steps.length === total;

    if (values.keep) await keep(session);
    else await session.stop();
    if (values.json) printJson({ lab: lab.id, ok, session: session.id, kept: !!values.keep, machines: session.machines.map(machineJson), steps: steps.map(stepJson) });
    say(ok ? `Lab "${lab.id}" passed: ${total} step(s) in ${seconds(Date.now() - began)}.` : `Lab "${lab.id}" failed at step "${failed?.id}".`);
    return ok ? 0 : 1;
  });
}

/** What the failed step's check says now, in its own FAIL: lines, so the author sees what is missing. */
async function explain(session: LabSession, failed: StepOutcome): Promise<void> {
  const step = session.lab.steps.find((s) => s.id === failed.id)!;
  say(`     step "${step.id}" (${step.title}), ${step.markdown}`);
  if (!step.check) return;
  const now = await session.check(step.id).catch((err: Error) => ({ ok: false, messages: [err.message] }));
  say(now.ok ? '     its check passes now' : '     its check says now:');
  for (const m of now.messages) say(`     FAIL: ${m}`);
}
