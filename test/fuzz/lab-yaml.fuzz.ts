// Fuzz driver for lab.yaml: `npm run fuzz -- [--runs N] [--seed S] [--path P]`. Loads N generated
// and mutated lab.yaml files (default 10,000) and checks the properties in lab-yaml-cases.ts;
// exits 1 with the seed and replay path of the first case that breaks one.
import { parseArgs } from 'node:util';
import { runFuzz } from './lab-yaml-cases.js';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '10000' },
    seed: { type: 'string' },
    path: { type: 'string' },
  },
});
const runs = Number(values.runs);
// A fresh seed each run explores new cases; it is printed so that any run can be repeated.
const seed = values.seed === undefined ? Math.floor(Math.random() * 2 ** 31) : Number(values.seed);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  console.error('usage: lab-yaml.fuzz.js [--runs N] [--seed S] [--path P]');
  process.exit(2);
}

console.log(`lab.yaml fuzz: ${runs} cases, seed ${seed}${values.path ? `, path ${values.path}` : ''}`);
const report = await runFuzz({
  runs, seed, path: values.path,
  onProgress: (done) => console.log(`  ${done} cases`),
});
const seconds = (report.elapsedMs / 1000).toFixed(1);
if (report.failure) {
  console.error(`FAILED after ${report.cases} cases (${seconds} s):\n${report.failure}`);
  process.exit(1);
}
console.log(`ok: ${report.cases} cases in ${seconds} s; ${report.resolved} loaded, ${report.rejected} rejected with a LabFormatError `
  + `(${report.markdownFindings} of them in the markdown); slowest ${report.slowestMs.toFixed(1)} ms of CPU: ${report.slowest}`);
