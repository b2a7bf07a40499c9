// `labvisor run LAB [--solve] [--json] [--keep] [--trust]`: start a lab; with --solve, prove it
// works end to end. Always cleans up (also on Ctrl-C) unless --keep.
import { existsSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { loadLab } from '../../engine/labs/load.js';
import { bundledLabsDir } from '../../engine/paths.js';
import { LabSession } from '../../engine/sessions/lab-session.js';
import { solveLab, type StepOutcome } from '../../engine/sessions/solve-lab.js';
import { markKept } from '../../engine/sessions/registry.js';
import { containerName } from '../../engine/sessions/names.js';
import { printJson, say, UsageError } from '../output.js';
import { progressView } from '../progress-view.js';
import { connectAndCollect } from './engine-connection.js';

/** A path to a lab folder, or the id of a bundled lab. */
export function resolveLab(arg: string): { dir: string; bundled: boolean } {
  const bundledRoot = realpathSync(bundledLabsDir());
  const dir = existsSync(arg) ? realpathSync(arg) : join(bundledRoot, arg);
  if (!existsSync(dir)) throw new UsageError(`no lab at "${arg}" (not a folder, nor a bundled lab in ${bundledRoot})`);
  return { dir, bundled: dir.startsWith(bundledRoot + sep) };
}

/** Runs fn; on SIGINT/SIGTERM/SIGHUP runs cleanup first and exits 130. */
export async function withInterruptCleanup<T>(cleanup: () => Promise<void>, fn: () => Promise<T>): Promise<T> {
  let interrupted = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(130); // a second Ctrl-C: give up on cleanup
    interrupted = true;
    say(`\n${signal}: stopping the lab and removing what it created…`);
    cleanup().catch((err: Error) => say(err.message)).finally(() => process.exit(130));
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  signals.forEach((s) => process.on(s, onSignal));
  try {
    return await fn();
  } finally {
    signals.forEach((s) => process.off(s, onSignal));
  }
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { solve: { type: 'boolean' }, json: { type: 'boolean' }, keep: { type: 'boolean' }, trust: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('usage: labvisor run LAB [--solve] [--json] [--keep] [--trust]');
  const { dir, bundled } = resolveLab(positionals[0]!);
  const loaded = await loadLab(dir);
  const { docker, info } = await connectAndCollect();
  const session = new LabSession(docker, info, loaded);

  return withInterruptCleanup(() => session.stop(), async () => {
    say(`Starting lab "${loaded.lab.id}" (session ${session.id}) on ${info.target}`);
    await session.start({ trust: bundled || values.trust, progress: progressView() });
    for (const m of session.machines) say(`  ${m.name.padEnd(12)} ${m.kind.padEnd(10)} ready in ${m.readyMs} ms`);

    if (!values.solve) {
      for (const m of loaded.lab.machines) if (m.kind === 'container') say(`  shell: docker exec -it ${containerName(session.id, m.name)} sh`);
      if (values.keep) return keep(session);
      say('The lab runs until you press Ctrl-C.');
      // Keep the process alive; the signal handler stops the session and exits.
      await new Promise(() => setInterval(() => {}, 1 << 30));
    }

    const steps = await solveLab(session, (o) => say(`${o.ok ? 'ok  ' : 'FAIL'} ${o.id.padEnd(16)} ${String(o.ms).padStart(6)} ms  ${o.message}`));
    const ok = steps.length === loaded.lab.steps.length && steps.every((s) => s.ok);
    if (values.keep) await keep(session);
    else await session.stop();
    if (values.json) printJson(runJson(loaded.lab.id, ok, session, steps));
    say(ok ? `Lab "${loaded.lab.id}" solved: every step passed.` : `Lab "${loaded.lab.id}" did not pass.`);
    return ok ? 0 : 1;
  });
}

/** Leaves the session running after this process exits, and says how to stop it. */
export async function keep(session: LabSession): Promise<number> {
  session.keep();
  await markKept(session.id);
  say(`Session ${session.id} keeps running. Stop it with: labvisor stop ${session.id}`);
  return 0;
}

function runJson(lab: string, ok: boolean, session: LabSession, steps: StepOutcome[]) {
  return { lab, ok, session: session.id, machines: session.machines, steps };
}
