// `npm start` / `labvisor start`: the desktop app (Electron), its binary downloaded on the first
// start (../electron-binary.ts); when the window cannot open (no display, LABVISOR_NO_ELECTRON=1,
// a download that fails or is switched off as in CI), `labvisor serve --open` after a one-line
// reason, so the app always starts.
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { packageRoot } from '../../engine/paths.js';
import { electronPackageDir, ensureElectronBinary, runElectronInstaller } from '../electron-binary.js';
import { say } from '../output.js';
import { serve } from './serve.js';
import { onStopSignal, signalExitCode } from '../stop-signals.js';

export { electronBinary } from '../electron-binary.js'; // test/unit/electron-shell.test.ts reads it from here

/** Why the window cannot open here, or undefined when Electron can run. */
function noWindowReason(): string | undefined {
  if (process.env.LABVISOR_NO_ELECTRON === '1') return 'LABVISOR_NO_ELECTRON=1 is set';
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'there is no display (DISPLAY and WAYLAND_DISPLAY are unset)';
  return undefined;
}

function runElectron(binary: string): Promise<number> {
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE; // set, the binary would run as plain Node instead of the app
  // The package root: Electron loads package.json's "main" (dist/electron/main/main.js).
  const child = spawn(binary, [packageRoot()], { stdio: 'inherit', env });
  // The app stops its labs on the signal; a second one stops waiting for it (stop-signals.ts).
  const removeHandlers = onStopSignal((signal) => { child.kill(signal); });
  return new Promise((resolve) => {
    child.on('error', (err) => {
      removeHandlers();
      say(`labvisor: could not start Electron (${binary}): ${err.message}; serving the app in your browser instead.`);
      resolve(serve(['--open']));
    });
    child.on('exit', (code, signal) => {
      removeHandlers();
      resolve(code ?? (signal ? signalExitCode(signal) : 128));
    });
  });
}

export async function start(args: string[]): Promise<number> {
  parseArgs({ args, options: {} }); // no options: an unknown one is a usage error
  // Checked before the binary: no download (about 100 MB) for a window that cannot open.
  const reason = noWindowReason();
  if (reason) {
    say(`labvisor: ${reason}; serving the app in your browser instead.`);
    return serve(['--open']);
  }
  const electron = await ensureElectronBinary({ packageDir: electronPackageDir(), env: process.env, install: runElectronInstaller });
  if ('path' in electron) return runElectron(electron.path);
  say(`labvisor: ${electron.fallback}; serving the app in your browser instead.`);
  return serve(['--open']);
}
