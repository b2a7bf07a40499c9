// The kernel facts of the machine this process runs on, read the way a machine's shell reads
// them (the kernel lens compares the same lines from every machine).
import { execFile } from 'node:child_process';
import { FACTS_SCRIPT } from './kernel-lens.js';

export function localFacts(): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', FACTS_SCRIPT], { timeout: 5000 }, (err, stdout) => (err ? reject(err) : resolve(stdout)));
  });
}
