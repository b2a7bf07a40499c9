// `npm start` / `labvisor start`: the desktop app (Electron) when its binary is installed; when it
// is not (CI, a machine where npm could not download it), `labvisor serve --open`, so the app
// always starts. LABVISOR_NO_ELECTRON=1 forces the browser.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { constants } from 'node:os';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { packageRoot } from '../../engine/paths.js';
import { say } from '../output.js';
import { serve } from './serve.js';

/** The electron package's folder, or undefined when it is not installed. */
function electronPackageDir(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * The Electron executable npm installed, read the way the electron package does it (path.txt,
 * written after the download) but without require('electron'), which downloads a missing binary.
 */
export function electronBinary(packageDir = electronPackageDir()): string | undefined {
  if (!packageDir) return undefined;
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

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
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  const forward = (signal: NodeJS.Signals) => { child.kill(signal); };
  signals.forEach((s) => process.on(s, forward));
  return new Promise((resolve) => {
    child.on('error', (err) => {
      signals.forEach((s) => process.off(s, forward));
      say(`labvisor: could not start Electron (${binary}): ${err.message}; serving the app in your browser instead.`);
      resolve(serve(['--open']));
    });
    child.on('exit', (code, signal) => {
      signals.forEach((s) => process.off(s, forward));
      resolve(code ?? 128 + (signal ? constants.signals[signal] : 0));
    });
  });
}

export async function start(args: string[]): Promise<number> {
  parseArgs({ args, options: {} }); // no options: an unknown one is a usage error
  const reason = noWindowReason();
  if (reason) {
    say(`labvisor: ${reason}; serving the app in your browser instead.`);
    return serve(['--open']);
  }
  const binary = electronBinary();
  if (binary) return runElectron(binary);
  say('labvisor: the Electron binary is not installed (run `npm install` with network access to get it); serving the app in your browser instead.');
  return serve(['--open']);
}
