// The soak's figures as a table a person reads (and pastes into docs/reliability.md).
import type { ConcurrencyFigures, ConcurrencyReport } from './concurrency.js';
import type { CyclesReport, SeriesFigures } from './cycles.js';
import { leftoverCount } from './leftovers.js';
import { MAX_RUNS } from '../../electron/engine/lenses/footprint.js';
import { mib } from './flatness.js';

const spread = (s: { first: number; last: number; max: number }, f = (n: number) => n) => `${f(s.first)} / ${f(s.last)} / ${f(s.max)}`;

export function cyclesTable(r: CyclesReport): string {
  const row = (s: SeriesFigures, kind: string) =>
    `| ${kind} (${s.lab}) | ${s.cycles} | ${(s.ms / 1000).toFixed(0)} s (${(s.ms / s.cycles / 1000).toFixed(1)} s/cycle) | ${spread(s.rssKiB, mib)} | ${spread(s.fds)} | ${spread(s.sockets)} |`;
  return [
    '| lab | cycles | duration | RSS MiB first / last / max | fds first / last / max | sockets first / last / max |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row(r.container, 'container'),
    row(r.vm, 'vm'),
    '',
    `Left behind: ${r.leftovers.containers.length} containers, ${r.leftovers.volumes.length} volumes, ${r.leftovers.networks.length} networks, ${r.leftovers.images.length} images, ` +
      `${r.leftovers.qemu.length} of ${r.qemuSeen} QEMU processes, ${r.leftovers.files.length} files (total ${leftoverCount(r.leftovers)}); ` +
      `${r.footprints} footprint records kept (the lens keeps the last ${MAX_RUNS} runs by design).`,
  ].join('\n');
}

export function concurrencyTable(r: ConcurrencyReport): string {
  const row = (what: string, f: ConcurrencyFigures, raced: boolean) =>
    `| ${what} | ${f.sessions} | ${(f.startMs / 1000).toFixed(0)} s | ${raced ? f.gcRuns : '—'} | ${raced ? `${f.racedBuilds} / ${f.raceImages}` : '—'} | ${f.problems.length} |`;
  return [
    '| scenario | sessions started at once | all running after | gc runs while live | sessions that built the raced image / images of it left | problems |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row('one server', r.oneServer, false),
    row('two servers, one engine', r.twoServers, true),
  ].join('\n');
}
