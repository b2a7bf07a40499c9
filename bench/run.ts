// `npm run bench [-- --quick] [-- --json] [-- --only id,id]`: every figure of docs/benchmarks.md,
// ours against the raw tool in the same run. Progress goes to stderr; stdout gets the table, or
// with --json exactly one JSON object. Results land in bench/results/latest.json.
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { connectEngine } from '../electron/engine/machines/docker-engine.js';
import { packageRoot } from '../electron/engine/paths.js';
import { cleanupAll } from './cleanup.js';
import type { BenchContext } from './context.js';
import { machineInfo } from './machine.js';
import { table, type Metric } from './report.js';
import { containerReady, execTerminal } from './metrics/container.js';
import { vmMetrics } from './metrics/vm.js';
import { uiReady } from './metrics/ui.js';
import { terminalUiMetrics } from './metrics/terminal-ui.js';
import { launchChromium } from './support/browser.js';
import { bundleMetrics } from './metrics/bundle.js';

type Group = { ids: string[]; run(ctx: BenchContext): Promise<Metric[]> };

/** In the order they run: cheap container figures first, VMs, then the browser. */
const GROUPS: Group[] = [
  { ids: ['container-ready'], run: async (ctx) => [await containerReady(ctx)] },
  { ids: ['exec-terminal'], run: async (ctx) => [await execTerminal(ctx)] },
  { ids: ['vm-ready', 'vm-container-hop', 'vm-memory-overhead', 'lab-ready'], run: vmMetrics },
  { ids: ['bundle-load', 'bundle-size'], run: bundleMetrics },
  { ids: ['ui-ready'], run: async (ctx) => [await uiReady(ctx, await browser())] },
  { ids: ['terminal-throughput', 'flood-interrupt', 'echo-latency'], run: async (ctx) => terminalUiMetrics(ctx, await browser()) },
];

/** One Chromium for every browser figure, launched when the first needs it. */
let chromium: ReturnType<typeof launchChromium> | undefined;
const browser = () => (chromium ??= launchChromium());

const log = (line: string) => process.stderr.write(`${line}\n`);

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, json: { type: 'boolean' }, only: { type: 'string' } } });
  const only = values.only?.split(',').map((s) => s.trim());
  const quick = values.quick ?? false;
  const { docker, info } = await connectEngine();
  const ctx: BenchContext = {
    docker, engine: info, quick, machine: await machineInfo(), progress: log,
    // Quick: enough to see a regression in under 3 minutes; full: enough for a stable p95.
    slow: quick ? { warmups: 1, runs: 3 } : { warmups: 1, runs: 10 },
    fast: quick ? { warmups: 2, runs: 8 } : { warmups: 3, runs: 30 },
  };
  const began = Date.now();
  const metrics: Metric[] = [];
  for (const group of GROUPS) {
    if (only && !group.ids.some((id) => only.includes(id))) continue;
    metrics.push(...await group.run(ctx));
  }
  const result = { machine: ctx.machine, quick, seconds: Math.round((Date.now() - began) / 1000), metrics };
  const dir = join(packageRoot(), 'bench', 'results');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'latest.json'), `${JSON.stringify(result, null, 2)}\n`);
  if (values.json) process.stdout.write(`${JSON.stringify(result)}\n`);
  else process.stdout.write(`${table(metrics)}\n\nmachine: ${JSON.stringify(ctx.machine)}\nwritten: bench/results/latest.json (${result.seconds} s)\n`);
  return metrics.every((m) => m.ok) ? 0 : 1;
}

// Ctrl-C: undo what was started (sessions, containers, QEMU, browsers), then leave.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`\n${signal}: cleaning up…`);
    void cleanupAll(log).finally(() => process.exit(130));
  });
}

main().then(
  async (code) => { await cleanupAll(log); process.exitCode = code; },
  async (err: Error) => { log(`bench failed: ${err.stack ?? err.message}`); await cleanupAll(log); process.exitCode = 2; },
);
