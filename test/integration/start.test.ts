// `npm start` where the window cannot open (forced with LABVISOR_NO_ELECTRON=1; or, as in CI, the
// Electron binary missing with ELECTRON_SKIP_BINARY_DOWNLOAD=1): it says so in one line, serves
// the app, asks the browser to open it, and stops on Ctrl-C. The page needs no Docker (the host
// connects lazily).
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { electronBinary } from '../../electron/cli/electron-binary.js';
import { firstStdoutLine, startCli, type CliProcess } from './support.js';

const temp = mkdtempSync(join(tmpdir(), 'labvisor-start-'));
const children: CliProcess[] = [];
after(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  rmSync(temp, { recursive: true, force: true });
});

async function waitFor(what: string, ok: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

/** `labvisor start` with ENV and a stand-in for the system's "open a URL" command (no real browser opens). */
async function startServesTheApp(env: Record<string, string>, notice: RegExp): Promise<void> {
  const dir = mkdtempSync(join(temp, 'run-'));
  const bin = join(dir, 'bin');
  const opened = join(dir, 'opened');
  mkdirSync(bin);
  for (const name of ['xdg-open', 'open']) {
    writeFileSync(join(bin, name), `#!/bin/sh\nprintf '%s\\n' "$*" > '${opened}'\n`, { mode: 0o755 });
  }
  const child = startCli(['start'], {
    LABVISOR_DATA_DIR: join(dir, 'data'),
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    ...env,
  });
  children.push(child);

  const line = await firstStdoutLine(child);
  assert.match(line, /^http:\/\/127\.0\.0\.1:\d+\/#token=[A-Za-z0-9_-]{43}$/);
  assert.match(child.stderrSoFar().split('\n')[0]!, notice);

  // The page is served as it is (the token stays in the fragment, never sent); no cookie.
  const page = await fetch(line);
  assert.equal(page.status, 200);
  assert.equal(page.headers.get('set-cookie'), null);
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/);
  assert.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
  assert.match(await page.text(), /<title>[^<]*Labvisor[^<]*<\/title>/i);

  // The browser gets a one-time code, never the session token.
  const token = line.split('#token=')[1]!;
  await waitFor('the browser to be asked to open the URL', () => existsSync(opened) && /#code=[A-Za-z0-9_-]{43}/.test(readFileSync(opened, 'utf8')));
  assert.ok(!readFileSync(opened, 'utf8').includes(token), 'the token is in no command line');

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
