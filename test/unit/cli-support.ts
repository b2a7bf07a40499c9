// Runs `node bin/labvisor.js` as a person would, for the CLI's conventions: what goes to stdout,
// what to stderr, and the exit code. Only commands that need no engine run here.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { packageRoot } from '../../electron/engine/paths.js';

export interface CliResult { code: number | null; stdout: string; stderr: string }

export function labvisor(args: string[], env: NodeJS.ProcessEnv = {}, cwd = packageRoot()): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(packageRoot(), 'bin', 'labvisor.js'), ...args], {
      cwd, env: { ...process.env, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}
