// `labvisor lens processes|kernels|footprint [--json] [--session ID]`, `lens images SESSION` and
// `lens volumes SESSION [VOLUME]`: what the kernel and the engine see, for scripts and tests, as
// the app's API returns it (electron/shared/api.ts). Works on any live session, also one kept by
// `run --keep`.
import type Docker from 'dockerode';
import { parseArgs } from 'node:util';
import { connectEngine } from '../../engine/machines/docker-engine.js';
import { isSessionId } from '../../engine/sessions/names.js';
import { recordAccess } from '../../engine/lenses/machine-access.js';
import { processLens } from '../../engine/lenses/process-lens.js';
import { kernelLens } from '../../engine/lenses/kernel-lens.js';
import { readFootprints, sampleFootprint } from '../../engine/lenses/footprint.js';
import { imageLens } from '../../engine/lenses/image-lens.js';
import { volumeLens } from '../../engine/lenses/volume-lens.js';
import type { VolumeLens } from '../../shared/api.js';
import { imageLines, volumeLines } from '../lens-tables.js';
import { didYouMean, out, printJson, UsageError } from '../output.js';
import { lensSession } from './lens-session.js';

const USAGE = 'usage: labvisor lens processes|kernels|footprint [--json] [--session ID]\n' +
  '       labvisor lens images SESSION [--json]\n       labvisor lens volumes SESSION [VOLUME] [--json]';
/** The lenses of one session, and how many words each takes after its name (the session, then a volume). */
const SESSION_LENSES: Record<string, number> = { images: 1, volumes: 2 };
const kb = (n: number | undefined) => (n === undefined ? '' : n >= 10240 ? `${Math.round(n / 1024)} MiB` : `${n} KiB`);

async function images(docker: Docker, id: string, json = false): Promise<number> {
  const s = await lensSession(docker, id);
  const result = await imageLens(docker, s.labImageRefs, s.id);
  if (json) printJson(result);
  else imageLines(result).forEach((l) => out(l));
  return 0;
}

/** One volume of the session, or each of its lab's (one helper container at a time). */
async function volumes(docker: Docker, id: string, volume: string | undefined, json = false): Promise<number> {
  const s = await lensSession(docker, id);
  if (volume !== undefined && !s.volumes.includes(volume)) {
    throw new UsageError(`lab "${s.lab}" has no volume "${volume}"${didYouMean(volume, s.volumes)}; it has: ${s.volumes.join(', ') || 'none'}`);
  }
  const result: VolumeLens[] = [];
  // Backups are the archives in the lab's other volumes, as the app's volume lens reads them.
  for (const v of volume === undefined ? s.volumes : [volume]) result.push(await volumeLens(docker, s.lab, s.id, v, s.volumes.filter((o) => o !== v)));
  if (json) printJson({ volumes: result });
  else if (!result.length) out(`Lab "${s.lab}" has no volumes.`);
  else result.forEach((v, i) => [...(i ? [''] : []), ...volumeLines(v)].forEach((l) => out(l)));
  return 0;
}

export async function lens(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, session: { type: 'string' } } });
  const [which, ...rest] = positionals;
  const lenses = ['processes', 'kernels', 'footprint', ...Object.keys(SESSION_LENSES)];
  if (which && !lenses.includes(which)) throw new UsageError(`unknown lens "${which}"${didYouMean(which, lenses)}\n${USAGE}`);
  // The session lenses take the session as their first word; the others take --session.
  const words = which ? SESSION_LENSES[which] ?? 0 : 0;
  if (!which || rest.length > words || (words > 0 && (!rest.length || values.session !== undefined))) throw new UsageError(USAGE);
  const session = words ? rest[0] : values.session;
  if (session !== undefined && !isSessionId(session)) throw new UsageError(`"${session}" is not a session id (8 lowercase letters or digits)`);
  const { docker } = await connectEngine();
  if (which === 'images') return images(docker, session!, values.json);
  if (which === 'volumes') return volumes(docker, session!, rest[1], values.json);
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
