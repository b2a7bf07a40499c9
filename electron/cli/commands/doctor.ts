// `labvisor doctor [--json]`
import { parseArgs } from 'node:util';
import { runDoctor } from '../../engine/doctor.js';
import { doctorJson } from '../json-shapes.js';
import { out, printJson, say } from '../output.js';

const MARK = { ok: 'ok  ', warn: 'warn', error: 'FAIL' } as const;

export async function doctor(args: string[]): Promise<number> {
  const { values } = parseArgs({ args, options: { json: { type: 'boolean' } } });
  // It touches the engine: say so, since a probe is not free (docs/cli.md).
  say('Checking: the Docker engine (a short-lived helper container reads its kernel), QEMU, the guest kernel and the base image…');
  const report = await runDoctor();
  if (values.json) printJson(doctorJson(report));
  else {
    for (const c of report.checks) {
      out(`${MARK[c.status]} ${c.id.padEnd(16)} ${c.detail}`);
      if (c.fix) out(`     ${''.padEnd(16)} fix: ${c.fix}`);
    }
  }
  return report.ok ? 0 : 1;
}
