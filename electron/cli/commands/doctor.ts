// `labvisor doctor [--json]`
import { parseArgs } from 'node:util';
import { runDoctor } from '../../engine/doctor.js';
import { printJson, say } from '../output.js';

const MARK = { ok: 'ok  ', warn: 'warn', error: 'FAIL' } as const;

export async function doctor(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  const report = await runDoctor();
  if (values.json) printJson(report);
  else {
    for (const c of report.checks) {
      say(`${MARK[c.status]} ${c.id.padEnd(16)} ${c.detail}`);
      if (c.fix) say(`     ${''.padEnd(16)} fix: ${c.fix}`);
    }
  }
  return report.ok ? 0 : 1;
}
