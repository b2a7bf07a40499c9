// `npm start` where the window cannot open (forced with LABVISOR_NO_ELECTRON=1; as in CI, the
// Electron binary missing with ELECTRON_SKIP_BINARY_DOWNLOAD=1; or the electron package's real
// installer failing to download it): it says so in one line, serves
// the app, asks the browser to open it, and stops on Ctrl-C. The page needs no Docker (the host
// connects lazily).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { electronBinary } from '../../electron/cli/electron-binary.js';
import { fakeUrlOpener, firstStdoutLine, startCli, type CliProcess } from './support.js';

const temp = mkdtempSync(join(tmpdir(), 'labvisor-start-'));
const children: CliProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(temp, { recursive: true, force: true });
});

/** `labvisor start` with ENV and a stand-in for the system's "open a URL" command (no real browser opens). */
async function startServesTheApp(env: Record<string, string>, notice: RegExp, { downloads = false } = {}): Promise<void> {
  const dir = mkdtempSync(join(temp, 'run-'));
  const opener = fakeUrlOpener(dir);
  const child = startCli(['start'], { LABVISOR_DATA_DIR: join(dir, 'data'), ...opener.env, ...env });
  children.push(child);

  const line = await firstStdoutLine(child);
  assert.match(line, /^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
  const reason = child.stderrSoFar().split('\n').find((l) => l.endsWith('serving the app in your browser instead.'));
  assert.match(reason ?? child.stderrSoFar(), notice);
  assert.equal(child.stderrSoFar().includes('downloading the Electron binary'), downloads, 'a download is tried only when the window can open');

  // The page is served as it is (the token stays in the fragment, never sent); no cookie.
  const page = await fetch(line);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('set-cookie'), null);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.match(await page.text(), /<title>[^<]*Labvisor[^<]*<\/title>/i);

  // The browser gets a one-time code, never the session token.
  const token = line.split('#token=')[1]!;
  const opened = await opener.argv();
  assert.match(opened, /#code=[A-Za-z0-9_-]{43}/);
  assert.ok(!opened.includes(token), 'the token is in no command line');

  child.kill('SIGINT');
  const result = await child.result;
  assert.equal(result.code, 130, result.stderr);
  assert.match(result.stderr, /Stopped\./);
}

test('npm start with LABVISOR_NO_ELECTRON=1 serves the app, opens the browser and stops on Ctrl-C', () =>
  startServesTheApp({ LABVISOR_NO_ELECTRON: '1' }, /^labvisor: LABVISOR_NO_ELECTRON=1 is set; serving the app in your browser instead\.$/));

// A display is faked so the missing binary, not the missing display, decides; with the binary
// downloaded here, a real window would open instead.
test('npm start without the Electron binary and with ELECTRON_SKIP_BINARY_DOWNLOAD=1 serves the app', {
  skip: electronBinary() ? 'the Electron binary is downloaded here: npm start would open its window' : false,
}, () =>
  startServesTheApp(
    { LABVISOR_NO_ELECTRON: '', ELECTRON_SKIP_BINARY_DOWNLOAD: '1', DISPLAY: ':labvisor-test' },
    /^labvisor: the Electron binary is not downloaded and ELECTRON_SKIP_BINARY_DOWNLOAD=1 forbids it \(unset it to download on the next start\); serving the app in your browser instead\.$/,
  ));

// The real installer (the electron package's install.js) runs and fails: its mirror is a port
// that refuses, its cache an empty folder, so nothing is downloaded on any machine.
test('npm start whose Electron download fails says why in one line and serves the app', {
  skip: electronBinary() ? 'the Electron binary is downloaded here: npm start would open its window' : false,
}, () =>
  startServesTheApp(
    {
      LABVISOR_NO_ELECTRON: '', ELECTRON_SKIP_BINARY_DOWNLOAD: '', DISPLAY: ':labvisor-test',
      ELECTRON_MIRROR: 'http://127.0.0.1:9/', electron_config_cache: mkdtempSync(join(temp, 'electron-cache-')),
    },
    /^labvisor: the Electron binary could not be downloaded \(its installer exited with code 1; its output is above\); serving the app in your browser instead\.$/,
    { downloads: true },
  ));

// Linux without a display: no download (no window could open), whatever the binary's state.
test('npm start on Linux without a display serves the app without downloading Electron', {
  skip: process.platform !== 'linux' ? 'the display rule is Linux\'s' : false,
}, () =>
  startServesTheApp(
    { LABVISOR_NO_ELECTRON: '', ELECTRON_SKIP_BINARY_DOWNLOAD: '', DISPLAY: '', WAYLAND_DISPLAY: '', ELECTRON_MIRROR: 'http://127.0.0.1:9/' },
    /^labvisor: there is no display \(DISPLAY and WAYLAND_DISPLAY are unset\); serving the app in your browser instead\.$/,
  ));
