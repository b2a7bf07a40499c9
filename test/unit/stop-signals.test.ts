// The stop signals of the long-running commands (cli/stop-signals.ts), in a real child process:
// the first signal stops the work once and the exit code is 128 + its number; a second one
// exits at once; once the handlers are removed, a signal ends the process as Node's default does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';

const helper = new URL('../../electron/cli/stop-signals.js', import.meta.url).href;

/**
 * A node child that installs the handlers and says `ready`. Its stop says `stop SIGNAL` and, if
 * `stopMs` is given, exits with the signal's code that much later (cleanup that takes a while).
 * `remove` removes the handlers before saying ready.
 */
function child(opts: { stopMs?: number; remove?: boolean }) {
  const script = `
    import { onStopSignal, signalExitCode } from ${JSON.stringify(helper)};
    const remove = onStopSignal((signal) => {
      console.log('stop ' + signal);
      ${opts.stopMs === undefined ? '' : `setTimeout(() => process.exit(signalExitCode(signal)), ${opts.stopMs});`}
    });
    ${opts.remove ? 'remove();' : ''}
    setInterval(() => {}, 1000); // alive until a signal ends it
    console.log('ready');`;
  const proc = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let stdout = '';
  const lines = (wanted: RegExp) => new Promise<void>((resolve) => {
    const look = () => { if (wanted.test(stdout)) { proc.stdout.off('data', look); resolve(); } };
    proc.stdout.on('data', look);
    look();
  });
  proc.stdout.on('data', (d: Buffer) => { stdout += d.toString(); });
  const ended = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('close', (code, signal) => resolve({ code, signal })));
  return { proc, lines, ended, stdout: () => stdout };
}

test('SIGTERM: the stop runs once, and the work exits 143', async () => {
  const c = child({ stopMs: 100 });
  await c.lines(/ready/);
  c.proc.kill('SIGTERM');
  assert.deepEqual(await c.ended, { code: 143, signal: null });
  assert.equal(c.stdout(), 'ready\nstop SIGTERM\n');
});

test('a second signal while stopping exits at once, with its own code; the stop ran once', async () => {
  const c = child({ stopMs: 60_000 });
  await c.lines(/ready/);
  c.proc.kill('SIGTERM');
  await c.lines(/stop SIGTERM/);
  c.proc.kill('SIGINT');
  assert.deepEqual(await c.ended, { code: 130, signal: null });
  assert.equal(c.stdout(), 'ready\nstop SIGTERM\n');
});

test('once removed, the handlers are gone: SIGHUP ends the process as it would without them', async () => {
  const c = child({ stopMs: 100, remove: true });
  await c.lines(/ready/);
  c.proc.kill('SIGHUP');
  assert.deepEqual(await c.ended, { code: null, signal: 'SIGHUP' });
  assert.equal(c.stdout(), 'ready\n');
});
