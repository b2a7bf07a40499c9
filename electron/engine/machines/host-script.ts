// Runs a lab script on the learner's computer (a machine of kind `learner-computer`) with
// /bin/sh, in its own process group so a timeout kills everything it started.
import { spawn } from 'node:child_process';
import { CappedOutput, DEFAULT_MAX_OUTPUT, type ScriptOptions, type ScriptResult } from './script-result.js';

export function runHostScript(script: string, cwd: string, opts: ScriptOptions): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const out = new CappedOutput(opts.maxOutput ?? DEFAULT_MAX_OUTPUT);
    const child = spawn('/bin/sh', ['-c', script], {
      cwd, env: { ...process.env, ...opts.env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'],
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* already gone */ }
    }, opts.timeoutMs);
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => out.push(c));
    child.on('error', (err) => { clearTimeout(timer); reject(err); });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code ?? (signal ? 128 : 1), output: out.text(), timedOut, truncated: out.truncated });
    });
  });
}
