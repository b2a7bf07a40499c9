// The raw tool for the container baselines: the docker CLI itself, as a person types it.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Everything the bench creates with the CLI carries this label, so a leftover is easy to find. */
export const BENCH_LABEL = 'io.labvisor.bench=1';

export async function docker(args: string[]): Promise<string> {
  return (await run('docker', args, { timeout: 60_000 })).stdout.trim();
}
