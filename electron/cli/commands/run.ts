// `labvisor run LAB [--solve | --to STEP] [--json] [--keep] [--trust]`: start a lab; with --solve,
// prove it works end to end; with --to, catch up to a step (each earlier one solved and checked)
// and leave it running there for the learner. Always cleans up (also on Ctrl-C) unless --keep.
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { loadLab } from '../../engine/labs/load.js';
import { bundledLabsDir } from '../../engine/paths.js';
import { LabSession } from '../../engine/sessions/lab-session.js';
import { solveLab, type StepOutcome } from '../../engine/sessions/solve-lab.js';
import { catchUp, stepsBefore, type CatchUpStep } from '../../engine/sessions/catch-up.js';
import { containerName } from '../../engine/sessions/names.js';
import { catchUpStepJson, machineJson, stepJson } from '../json-shapes.js';
import { didYouMean, printJson, say, UsageError } from '../output.js';
import { progressView } from '../progress-view.js';
import { onStopSignal, signalExitCode } from '../stop-signals.js';
import { connectAndCollect } from './engine-connection.js';
import { ENGINE_DOWN_MESSAGE, EngineWatch } from '../../host-common/engine-watch.js';
import { LABEL } from '../../engine/labels.js';

/** A path to a lab folder, or the id of a bundled lab. */
export function resolveLab(arg: string): { dir: string; bundled: boolean } {
  const bundledRoot = realpathSync(bundledLabsDir());
  const dir = existsSync(arg) ? realpathSync(arg) : join(bundledRoot, arg);
  if (!existsSync(dir)) {
    const ids = readdirSync(bundledRoot).filter((name) => existsSync(join(bundledRoot, name, 'lab.yaml'))).sort();
    throw new UsageError(`no lab "${arg}": not a folder, nor a bundled lab${didYouMean(arg, ids)}\nbundled labs: ${ids.join(', ')}`);
  }
  return { dir, bundled: dir.startsWith(bundledRoot + sep) };
}

/** Runs fn; on SIGINT/SIGTERM/SIGHUP runs cleanup first and exits 128 + the signal's number (stop-signals.ts). */
export async function withInterruptCleanup<T>(cleanup: () => Promise<void>, fn: () => Promise<T>): Promise<T> {
  const removeHandlers = onStopSignal((signal) => {
    say(`\n${signal}: stopping the lab and removing what it created…`);
    cleanup().catch((err: Error) => say(err.message)).finally(() => process.exit(signalExitCode(signal)));
  });
  try {
    return await fn();
  } finally {
    removeHandlers();
  }
}

export async function run(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args, allowPositionals: true,
    options: { solve: { type: 'boolean' }, to: { type: 'string' }, json: { type: 'boolean' }, keep: { type: 'boolean' }, trust: { type: 'boolean' } },
  });
  if (positionals.length !== 1) throw new UsageError('usage: labvisor run LAB [--solve | --to STEP] [--json] [--keep] [--trust]');
  if (values.solve && values.to !== undefined) throw new UsageError('--solve and --to do not go together: --solve does every step, --to stops at one');
  const { dir, bundled } = resolveLab(positionals[0]!);
  const loaded = await loadLab(dir);
  const ids = loaded.lab.steps.map((s) => s.id);
  if (values.to !== undefined && !ids.includes(values.to)) throw new UsageError(`lab "${loaded.lab.id}" has no step "${values.to}"${didYouMean(values.to, ids)}; its steps are: ${ids.join(', ')}`);
  const { docker, info } = await connectAndCollect();
  const session = new LabSession(docker, info, loaded);
  // A Docker engine that restarts stops the lab's machines: say so, and once it is back, end the
  // session cleanly (the server does the same: electron/host-common/engine-restart.ts).
  let engineBack: () => void = () => {};
  const restarted = new Promise<void>((resolve) => { engineBack = resolve; });
  const watch = new EngineWatch({ ping: () => docker.ping(), events: () => docker.getEvents({ filters: { label: [LABEL.session] } }) }, {
    active: () => true,
    onDown: (why) => say(`${ENGINE_DOWN_MESSAGE} (${why})`),
    onUp: (ms) => {
      say(`The Docker engine is back after ${(ms / 1000).toFixed(1)} s; it stopped this lab's machines.`);
      engineBack();
    },
  });
  watch.watch();

  return withInterruptCleanup(() => { watch.close(); return session.stop(); }, async () => {
    say(`Starting lab "${loaded.lab.id}" (session ${session.id}) on ${info.target}`);
    const progress = progressView();
    await session.start({ trust: bundled || values.trust, progress }).finally(() => progress.stop());
    for (const m of session.machines) say(`  ${m.name.padEnd(12)} ${m.kind.padEnd(10)} ready in ${m.readyMs} ms`);

    let caughtUp = true;
    if (values.to !== undefined) {
      const to = values.to;
      say(`Catching up to step ${ids.indexOf(to) + 1} "${to}": ${stepsBefore(session, to).length} earlier step(s)`);
      const result = await catchUp(session, to, { onStep: (s) => say(catchUpLine(s)) });
      caughtUp = result.reached === to;
      if (values.json) printJson({ lab: loaded.lab.id, ok: caughtUp, session: session.id, kept: !!values.keep, machines: session.machines.map(machineJson), reached: result.reached, steps: result.steps.map(catchUpStepJson) });
      say(caughtUp ? `At step "${to}": every earlier step passed.`
        : `Stopped at step "${result.reached}": its check does not pass (see above). The lab runs there, for you to finish it.`);
    }

    if (!values.solve) {
      for (const m of loaded.lab.machines) if (m.kind === 'container') say(`  shell: docker exec -it ${containerName(session.id, m.name)} sh`);
      if (values.keep) return keep(session).then((code) => (caughtUp ? code : 1));
      say('The lab runs until you press Ctrl-C.');
      // Keep the process alive; the signal handler stops the session and exits, or the engine restarts under it.
      const alive = setInterval(() => {}, 1 << 30);
      await restarted;
      clearInterval(alive);
      watch.close();
      say(`Removing what is left of session ${session.id}…`);
      await session.stop();
      say(`Session ${session.id} ended. Start it again with: labvisor run ${positionals[0]!}${values.to !== undefined ? ` --to ${values.to}` : ''}`);
      return 1;
    }

    const steps = await solveLab(session, (o) => say(`${o.ok ? 'ok  ' : 'FAIL'} ${o.id.padEnd(16)} ${String(o.ms).padStart(6)} ms  ${o.message}`));
    const ok = steps.length === loaded.lab.steps.length && steps.every((s) => s.ok);
    if (values.keep) await keep(session);
    else await session.stop();
    if (values.json) printJson(runJson(loaded.lab.id, ok, !!values.keep, session, steps));
    say(ok ? `Lab "${loaded.lab.id}" solved: every step passed.` : `Lab "${loaded.lab.id}" did not pass.`);
    return ok ? 0 : 1;
  }).finally(() => watch.close());
}

/** Leaves the session running after this process exits, and says how to stop it. */
export async function keep(session: LabSession): Promise<number> {
  await session.keep();
  say(`Session ${session.id} keeps running. Stop it with: labvisor stop ${session.id}`);
  return 0;
}

/** One step of a catch-up, as `run --to` prints it. */
function catchUpLine(s: CatchUpStep): string {
  const how = { already: 'its check passed already', solved: 'solution ran, check passed', question: 'question: solution ran', explain: 'nothing to check' }[s.how];
  const said = s.ok ? how : s.messages.join('; ') || 'did not pass';
  return `${s.ok ? 'ok  ' : 'FAIL'} ${s.id.padEnd(16)} ${String(s.ms).padStart(6)} ms  ${said}`;
}

function runJson(lab: string, ok: boolean, kept: boolean, session: LabSession, steps: StepOutcome[]) {
  return { lab, ok, session: session.id, kept, machines: session.machines.map(machineJson), steps: steps.map(stepJson) };
}
