// Where `npm start` gets the Electron binary. The electron package (45+) has no install script:
// its binary is downloaded on the first require('electron'), which blocks and throws on failure.
// Here the package's own installer (its install.js, the `install-electron` bin) runs in the open
// instead, once, when the binary is missing and a download is allowed; every way it can fail
// becomes the one-line reason `npm start` gives for serving the app in the browser.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { say } from './output.js';

/** Downloads the binary into the electron package at packageDir; rejects with why it could not. */
export type Installer = (packageDir: string) => Promise<void>;

/** The binary to run, or why there is none (to say before serving the app in the browser). */
export type ElectronOutcome = { path: string } | { fallback: string };

/** The electron package's folder, or undefined when it is not installed. */
export function electronPackageDir(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return undefined;
  }
}

/**
 * The downloaded Electron executable, read the way the electron package does it (path.txt,
 * written after the download) but without require('electron'), which downloads a missing binary.
 */
export function electronBinary(packageDir = electronPackageDir()): string | undefined {
  if (!packageDir) return undefined;
  const pathFile = join(packageDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const binary = join(packageDir, 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : undefined;
}

/**
 * The electron package's install.js under this Node. Its output (the progress bar of a slow
 * download, the error of a failed one) goes to stderr: stdout stays for `serve`'s URL line when
 * the download fails.
 */
export const runElectronInstaller: Installer = (packageDir) => {
  say('labvisor: downloading the Electron binary (once, about 100 MB) with the electron package\'s installer…');
  const child = spawn(process.execPath, [join(packageDir, 'install.js')], { stdio: ['ignore', 2, 2] });
  return new Promise((resolve, reject) => {
    child.on('error', (err) => reject(new Error(`its installer could not run: ${err.message}`)));
    child.on('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`its installer ${signal ? `was stopped by ${signal}` : `exited with code ${code}`}; its output is above`));
    });
  });
};

/**
 * The Electron binary, downloaded first when it is missing: not when ELECTRON_SKIP_BINARY_DOWNLOAD
 * is set (any value, as electron's own install script read it: CI sets it to install without it).
 */
export async function ensureElectronBinary({ packageDir, env, install }: {
  packageDir: string | undefined;
  env: NodeJS.ProcessEnv;
  install: Installer;
}): Promise<ElectronOutcome> {
  if (!packageDir) return { fallback: 'the electron npm package is not installed (a global install leaves the window out; in a clone, `npm install` adds it)' };
  const installed = electronBinary(packageDir);
  if (installed) return { path: installed };
  const skip = env.ELECTRON_SKIP_BINARY_DOWNLOAD;
  if (skip) return { fallback: `the Electron binary is not downloaded and ELECTRON_SKIP_BINARY_DOWNLOAD=${skip} forbids it (unset it to download on the next start)` };
  try {
    await install(packageDir);
  } catch (err) {
    return { fallback: `the Electron binary could not be downloaded (${err instanceof Error ? err.message : String(err)})` };
  }
  const downloaded = electronBinary(packageDir);
  return downloaded ? { path: downloaded } : { fallback: `the Electron installer finished without leaving a binary in ${join(packageDir, 'dist')}` };
}
