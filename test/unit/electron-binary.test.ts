// How `npm start` gets the Electron binary, against a temp electron package folder without
// path.txt (as npm leaves it: electron 45 has no install script) and a stand-in installer that
// writes what the real one does (dist/<binary> and path.txt), so nothing is downloaded.
import { afterEach, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureElectronBinary, type Installer } from '../../electron/cli/electron-binary.js';

let packageDir: string;
beforeEach(() => { packageDir = mkdtempSync(join(tmpdir(), 'labvisor-electron-pkg-')); });
afterEach(() => { rmSync(packageDir, { recursive: true, force: true }); });

/** A stand-in for install.js that records its calls and leaves a fake binary behind. */
function fakeInstaller(): Installer & { calls: string[] } {
  const calls: string[] = [];
  const install = async (dir: string) => {
    calls.push(dir);
    mkdirSync(join(dir, 'dist'), { recursive: true });
    writeFileSync(join(dir, 'dist', 'electron'), '');
    writeFileSync(join(dir, 'path.txt'), 'electron');
  };
  return Object.assign(install, { calls });
}

test('a missing binary is downloaded with the installer when downloads are allowed', async () => {
  const install = fakeInstaller();
  const outcome = await ensureElectronBinary({ packageDir, env: {}, install });
  assert.deepEqual(install.calls, [packageDir]);
  assert.deepEqual(outcome, { path: join(packageDir, 'dist', 'electron') });
});

test('an installed binary is used without calling the installer', async () => {
  await fakeInstaller()(packageDir);
  const install = fakeInstaller();
  const outcome = await ensureElectronBinary({ packageDir, env: {}, install });
  assert.deepEqual(install.calls, []);
  assert.deepEqual(outcome, { path: join(packageDir, 'dist', 'electron') });
});

test('ELECTRON_SKIP_BINARY_DOWNLOAD=1 falls back without calling the installer', async () => {
  const install = fakeInstaller();
  const outcome = await ensureElectronBinary({ packageDir, env: { ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, install });
  assert.deepEqual(install.calls, []);
  assert.deepEqual(outcome, {
    fallback: 'the Electron binary is not downloaded and ELECTRON_SKIP_BINARY_DOWNLOAD=1 forbids it (unset it to download on the next start)',
  });
});

test('a failed download falls back with the installer\'s reason', async () => {
  const install: Installer = async () => { throw new Error('its installer exited with code 1; its output is above'); };
  const outcome = await ensureElectronBinary({ packageDir, env: {}, install });
  assert.deepEqual(outcome, {
    fallback: 'the Electron binary could not be downloaded (its installer exited with code 1; its output is above)',
  });
});

test('an installer that succeeds without leaving a binary falls back and says where it looked', async () => {
  const outcome = await ensureElectronBinary({ packageDir, env: {}, install: async () => {} });
  assert.deepEqual(outcome, { fallback: `the Electron installer finished without leaving a binary in ${join(packageDir, 'dist')}` });
});

test('without the electron package there is nothing to install into', async () => {
  const install = fakeInstaller();
  const outcome = await ensureElectronBinary({ packageDir: undefined, env: {}, install });
  assert.deepEqual(install.calls, []);
  assert.deepEqual(outcome, { fallback: 'the electron npm package is not installed (a global install leaves the window out; in a clone, `npm install` adds it)' });
});
