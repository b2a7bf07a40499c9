// The lenses' pure parts in the renderer: lens links, grouping and filtering processes, the
// kernel groups, chart scales and paths, run pairing, image diff defaults, volume names from
// step text, and how sizes, durations and backups read.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { FootprintLens, KernelLens, ProcessLens } from '../../electron/shared/api.js';
import { lensOfHref, machineOfName } from '../../renderer/src/lens/lenses.js';
import { groupProcesses, initProcess, matches } from '../../renderer/src/lens/process-groups.js';
import { groupKernels } from '../../renderer/src/lens/kernel-groups.js';
import { defaultPartner, linear, linePath, memorySeries, niceTicks, phaseSegments, runsOfLab, sharedExtent } from '../../renderer/src/lens/chart-scale.js';
import { defaultDiffPair, readableCreatedBy, shortRef } from '../../renderer/src/lens/image-pick.js';
import { formatBytes, formatKb, formatMs, formatUptime, holdsText, holdsVerdict, shortDigest } from '../../renderer/src/lens/format.js';

type Run = FootprintLens['runs'][number];

const host = { kind: 'host' as const, name: 'host' };
const box = { kind: 'container' as const, name: 'lv-abcd1234-box', session: 'abcd1234', machine: 'box' };
const vm = { kind: 'vm' as const, name: 'lv-abcd1234-vm', session: 'abcd1234', machine: 'vm' };
const lens: ProcessLens = {
  processes: [
    { pid: 1, ppid: 0, nspid: 1, command: '/sbin/init', rssKb: 9000, owner: host },
    { pid: 7973, ppid: 7972, nspid: 8, command: 'sleep 3600', rssKb: 1372, owner: box },
    { pid: 7907, ppid: 7885, nspid: 1, command: '/sbin/docker-init -- /bin/sh', rssKb: 692, owner: box },
    { pid: 7873, ppid: 1, nspid: 7873, command: '/usr/bin/qemu-system-x86_64 -M microvm', rssKb: 236608, owner: vm },
    { pid: 500, ppid: 1, nspid: 500, command: 'sleep 10', rssKb: 800, owner: host },
  ],
  owners: [
    { ...host, processes: 2, rssKb: 9800 },
    { ...box, processes: 2, rssKb: 2064, initPid: 7907 },
    { ...vm, processes: 1, rssKb: 236608, qemuPid: 7873, guestProcesses: 54 },
  ],
};

test('lens links: only lens:NAME of a known lens', () => {
  assert.equal(lensOfHref('lens:processes'), 'processes');
  assert.equal(lensOfHref('lens:volumes'), 'volumes');
  assert.equal(lensOfHref('lens:nope'), undefined);
  assert.equal(lensOfHref('lens:processes/x'), undefined);
  assert.equal(lensOfHref('https://example.org'), undefined);
  assert.equal(lensOfHref(undefined), undefined);
  assert.equal(machineOfName('lv-abcd1234-box', 'abcd1234'), 'box');
  assert.equal(machineOfName('host', 'abcd1234'), undefined);
  assert.equal(machineOfName('lv-other123-box', 'abcd1234'), undefined);
});

test('processes: containers, then VMs, then the host; sorted by host PID; the init is the container PID 1', () => {
  const groups = groupProcesses(lens);
  assert.deepEqual(groups.map((g) => g.owner.name), ['lv-abcd1234-box', 'lv-abcd1234-vm', 'host']);
  assert.deepEqual(groups[0]!.processes.map((p) => p.pid), [7907, 7973]);
  assert.equal(initProcess(groups[0]!, lens.processes)?.nspid, 1);
  assert.equal(initProcess(groups[1]!, lens.processes)?.pid, 7873);
  assert.equal(initProcess(groups[2]!, lens.processes), undefined);
});

test('processes: the filter matches words in the command or owner, numbers as PIDs, and hides emptied groups', () => {
  assert.deepEqual(groupProcesses(lens, 'sleep').map((g) => [g.owner.name, g.processes.map((p) => p.pid)]), [['lv-abcd1234-box', [7973]], ['host', [500]]]);
  assert.deepEqual(groupProcesses(lens, 'sleep box').map((g) => g.owner.name), ['lv-abcd1234-box']);
  // A number is a PID (host, NS or parent) or part of the command: 8 is the sleep's NS PID and in "x86_64".
  assert.deepEqual(groupProcesses(lens, '8').flatMap((g) => g.processes.map((p) => p.pid)), [7973, 7873]);
  assert.deepEqual(groupProcesses(lens, '7885').flatMap((g) => g.processes.map((p) => p.pid)), [7907]);
  assert.equal(groupProcesses(lens, 'nothing-like-this').length, 0);
  assert.equal(matches(lens.processes[0]!, '   '), true);
});

test('kernels: host and containers share the host kernel, VMs have their own; the host boot id', () => {
  const k: KernelLens = { machines: [
    { name: 'lv-abcd1234-vm', kind: 'vm', sharesHostKernel: false, bootId: 'b' },
    { name: 'lv-abcd1234-box', kind: 'container', sharesHostKernel: true, bootId: 'a' },
    { name: 'host', kind: 'host', sharesHostKernel: true, bootId: 'a' },
  ] };
  const g = groupKernels(k);
  assert.deepEqual(g.shared.map((m) => m.name), ['host', 'lv-abcd1234-box']);
  assert.deepEqual(g.own.map((m) => m.name), ['lv-abcd1234-vm']);
  assert.equal(g.hostBootId, 'a');
});

test('charts: nice ticks cover the maximum in 1-2-5 steps; linear maps; paths', () => {
  assert.deepEqual(niceTicks(231), [0, 100, 200, 300]);
  assert.deepEqual(niceTicks(4), [0, 1, 2, 3, 4]);
  assert.deepEqual(niceTicks(0.9), [0, 0.5, 1]);
  assert.deepEqual(niceTicks(0), [0, 1]);
  for (const max of [1, 7, 13, 99, 1234, 5099]) {
    const t = niceTicks(max);
    assert.ok(t.at(-1)! >= max && t.length <= 6, `${max}: ${t}`);
  }
  const x = linear(0, 10, 50, 150);
  assert.equal(x(5), 100);
  assert.equal(linear(3, 3, 7, 9)(3), 7);
  assert.equal(linePath([{ t: 0, kb: 0 }, { t: 10, kb: 100 }], x, (kb) => 200 - kb), 'M50.0,200.0 L150.0,100.0');
});

const run = (session: string, startedAt: string, samples: Run['samples'], readyMs = 1000): Run => ({
  session, lab: 'shared-kernel', startedAt,
  machines: [{ name: 'box', kind: 'container', readyMs, phases: [{ phase: 'started', atMs: 900 }, { phase: 'created', atMs: 60 }] }],
  samples,
});

test('footprint: memory series in seconds from the first sample; shared extents; phases as segments', () => {
  const r = run('aaaaaaaa', '2026-01-01T10:00:00Z', [
    { at: '2026-01-01T10:00:10Z', memKb: { box: 1000, vm: 200_000 } },
    { at: '2026-01-01T10:00:12Z', memKb: { box: 1200, vm: 210_000 } },
  ]);
  const s = memorySeries(r);
  assert.deepEqual(s.get('box'), [{ t: 0, kb: 1000 }, { t: 2, kb: 1200 }]);
  assert.deepEqual(sharedExtent([r, run('bbbbbbbb', '2026-01-02T10:00:00Z', [], 5000)]), { maxT: 2, maxKb: 210_000, maxMs: 5000 });
  assert.deepEqual(phaseSegments(r.machines[0]!.phases), [{ phase: 'created', fromMs: 0, toMs: 60 }, { phase: 'started', fromMs: 60, toMs: 900 }]);
});

test('footprint: runs of one lab, newest first; the partner is the newest other run that started machines', () => {
  const runs = [run('old00000', '2026-01-01T00:00:00Z', []), run('new00000', '2026-01-03T00:00:00Z', []), run('mid00000', '2026-01-02T00:00:00Z', [], 0),
    { ...run('other000', '2026-01-04T00:00:00Z', []), lab: 'volume-backup' }];
  const mine = runsOfLab(runs, 'shared-kernel');
  assert.deepEqual(mine.map((r) => r.session), ['new00000', 'mid00000', 'old00000']);
  assert.equal(defaultPartner(mine, 'new00000')?.session, 'old00000');
  assert.equal(defaultPartner([mine[0]!], 'new00000'), undefined);
});

test('images: the lab image against the newest the learner built; hash tags cut short', () => {
  const images = [
    { ref: 'lv-abcd1234-web:v2', created: '2026-01-02T00:00:00Z' },
    { ref: 'labvisor/lab-rebuild-not-patch-web:0123456789abcdef0123', created: '2026-01-01T00:00:00Z' },
  ];
  assert.deepEqual(defaultDiffPair(images), { from: images[1]!.ref, to: 'lv-abcd1234-web:v2' });
  assert.equal(defaultDiffPair(images.slice(0, 1)), undefined);
  assert.equal(shortRef(images[1]!.ref), 'labvisor/lab-rebuild-not-patch-web:0123456789ab');
  assert.equal(shortRef('lv-abcd1234-web:v2'), 'lv-abcd1234-web:v2');
  assert.equal(shortDigest('sha256:0123456789abcdef'), '0123456789ab');
  assert.equal(readableCreatedBy(`COPY file:${'f7c3dc7961f7'.padEnd(64, '0')} in /usr/local/bin/record`), 'COPY file:f7c3dc7961f7… in /usr/local/bin/record');
  assert.equal(readableCreatedBy('RUN echo file:abc'), 'RUN echo file:abc');
});

test('format: binary sizes, durations, uptimes, what a backup holds', () => {
  assert.equal(formatBytes(0), '0 B');
  assert.equal(formatBytes(1023), '1023 B');
  assert.equal(formatBytes(1536), '1.50 KiB');
  assert.equal(formatKb(236608), '231 MiB');
  assert.equal(formatKb(24684084), '23.5 GiB');
  assert.equal(formatBytes(-1), '—');
  assert.equal(formatMs(947), '947 ms');
  assert.equal(formatMs(5099), '5.10 s');
  assert.equal(formatMs(12_345), '12.3 s');
  assert.equal(formatMs(125_000), '2 min 5 s');
  assert.equal(formatUptime(30.7), '30 s');
  assert.equal(formatUptime(3647), '1 h 00 min');
  assert.equal(formatUptime(125), '2 min 05 s');
  assert.equal(formatUptime(90_000), '1 d 1 h');
  assert.equal(holdsText(0, 1), "holds 0 of the volume's 1 file");
  assert.equal(holdsText(3, 3), "holds 3 of the volume's 3 files");
  assert.deepEqual([holdsVerdict(0, 1), holdsVerdict(1, 2), holdsVerdict(2, 2), holdsVerdict(undefined, 2)], ['none', 'partial', 'ok', 'unknown']);
});
