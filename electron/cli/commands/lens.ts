// `labvisor lens processes|kernels|footprint [--json] [--session ID]`: what the kernel sees, for
// scripts and tests. Works on any live session, also one kept by `run --keep`.
import { parseArgs } from 'node:util';
import { connectEngine } from '../../engine/machines/docker-engine.js';
import { isSessionId } from '../../engine/sessions/names.js';
import { recordAccess } from '../../engine/lenses/machine-access.js';
import { processLens } from '../../engine/lenses/process-lens.js';
import { kernelLens } from '../../engine/lenses/kernel-lens.js';
import { readFootprints, sampleFootprint } from '../../engine/lenses/footprint.js';
import { didYouMean, out, printJson, UsageError } from '../output.js';

const USAGE = 'usage: labvisor lens processes|kernels|footprint [--json] [--session ID]';
const kb = (n: number | undefined) => (n === undefined ? '' : n >= 10240 ? `${Math.round(n / 1024)} MiB` : `${n} KiB`);

export async function lens(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, session: { type: 'string' } } });
  const [which, ...rest] = positionals;
  const lenses = ['processes', 'kernels', 'footprint'];
  if (which && !lenses.includes(which)) throw new UsageError(`unknown lens "${which}"${didYouMean(which, lenses)}\n${USAGE}`);
  if (!which || rest.length) throw new UsageError(USAGE);
  const session = values.session;
  if (session !== undefined && !isSessionId(session)) throw new UsageError(`"${session}" is not a session id (8 lowercase letters and digits)`);
  const { docker } = await connectEngine();
  const run = recordAccess(docker);

  if (which === 'processes') {
    const result = await processLens(docker, { session, run });
    if (values.json) printJson(result);
    else {
      for (const o of result.owners) {
        const extra = o.kind === 'vm' ? ` — QEMU pid ${o.qemuPid}; the guest runs ${o.guestProcesses ?? '?'} processes of its own` : o.initPid ? ` — init pid ${o.initPid}` : '';
        out(`${o.kind.padEnd(9)} ${o.name}: ${o.processes} process(es), ${kb(o.rssKb)}${extra}`);
      }
    }
    return 0;
  }
  if (which === 'kernels') {
    const result = await kernelLens(docker, { session, run });
    if (values.json) printJson(result);
    else {
      for (const shared of [true, false]) {
        out(shared ? 'Share the host\'s kernel:' : 'Own kernel:');
        for (const m of result.machines.filter((x) => x.sharesHostKernel === shared)) {
          out(`  ${m.kind.padEnd(9)} ${m.name}: ${m.error ?? `${m.kernel}, boot id ${m.bootId}, up ${Math.round(m.uptimeS ?? 0)} s, ${kb(m.memTotalKb)}, ${m.cpus} CPU(s)`}`);
        }
      }
    }
    return 0;
  }
  const runs = await readFootprints(session);
  if (session && !runs.length) throw new UsageError(`no footprint for session ${session}`);
  for (const r of runs) await sampleFootprint(docker, r.session).then((s) => { if (s) r.samples.push(s); });
  if (values.json) printJson({ runs });
  else {
    for (const r of runs) {
      out(`${r.lab} (session ${r.session}, ${r.startedAt})`);
      const last = r.samples.at(-1)?.memKb ?? {};
      for (const m of r.machines) out(`  ${m.kind.padEnd(9)} ${m.name}: ready in ${m.readyMs} ms${m.accel ? ` (${m.accel})` : ''}${last[m.name] !== undefined ? `, ${kb(last[m.name])} now` : ''}`);
    }
  }
  return 0;
}
