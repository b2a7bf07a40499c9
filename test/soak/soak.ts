// `npm run soak`: the long versions of issue 17's cycles and concurrency (the short ones run in
// `npm test`). Prints the figures for docs/reliability.md; exits 1 when anything leaked or grew.
//   node dist/test/soak/soak.js [--only cycles|concurrency] [--container-cycles N] [--vm-cycles N] [--minutes M]
// --minutes: start no cycle after M minutes (the table says how many ran).
import { parseArgs } from 'node:util';
import { runConcurrency } from './concurrency.js';
import { CONCURRENT_LABS } from './concurrent-labs.js';
import { runCycles } from './cycles.js';
import { concurrencyTable, cyclesTable } from './figures-table.js';
import { flatnessProblems, leftoverProblems } from './flatness.js';

const { values } = parseArgs({
  options: {
    only: { type: 'string' },
    'container-cycles': { type: 'string', default: '100' },
    'vm-cycles': { type: 'string', default: '20' },
    'container-lab': { type: 'string', default: 'first-steps' },
    'vm-lab': { type: 'string', default: 'shared-kernel' },
    minutes: { type: 'string' },
  },
});
const log = (line: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${line}`);
const problems: string[] = [];

if (values.only === undefined || values.only === 'cycles') {
  const report = await runCycles({
    containerLab: values['container-lab'], vmLab: values['vm-lab'],
    containerCycles: Number(values['container-cycles']), vmCycles: Number(values['vm-cycles']), log,
    until: values.minutes === undefined ? undefined : Date.now() + Number(values.minutes) * 60_000,
  });
  console.log(`\n## Cycles\n\n${cyclesTable(report)}\n`);
  problems.push(...flatnessProblems(report.container), ...flatnessProblems(report.vm), ...leftoverProblems(report));
}

if (values.only === undefined || values.only === 'concurrency') {
  const began = Date.now();
  const report = await runConcurrency({ ...CONCURRENT_LABS, log });
  console.log(`\n## Concurrency (${((Date.now() - began) / 1000).toFixed(0)} s)\n\n${concurrencyTable(report)}\n`);
  problems.push(...report.oneServer.problems, ...report.twoServers.problems);
}

for (const p of problems) console.log(`PROBLEM: ${p}`);
console.log(problems.length ? `soak: ${problems.length} problem(s)` : 'soak: nothing leaked, nothing grew');
process.exitCode = problems.length ? 1 : 0;
