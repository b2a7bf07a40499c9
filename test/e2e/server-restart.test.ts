// Issue 17, item 6: the server under an open page. In Chromium, on `labvisor serve --port N`:
// - the WebSocket drops while the server lives: the page says "Connection lost — reconnecting…",
//   reconnects by itself, and the terminal comes back with its scrollback (the text typed before);
// - the server restarts (Ctrl-C, which stops its labs, then a new `serve --port N`): the page says
//   so, reconnects with the token it holds (the server kept it: 0600 in the data folder), shows
//   the lab as ended with "Start again", which brings the lab back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { keptTokenFile } from '../../electron/server/server-identity.js';
import { firstStdoutLine, startCli, type CliProcess } from '../integration/support.js';
import { launchChromium, prerequisites, screenshotPath, startLab, waitForTerminal, watchProblems } from './support.js';

const skip = await prerequisites();

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Ctrl-C, as a person stops it: its labs stop with it. */
async function stop(child: CliProcess | undefined): Promise<void> {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  await child?.result;
}

describe('the server under an open page', { skip, timeout: 600_000 }, () => {
  let dataDir: string;
  let port: number;
  let server: CliProcess | undefined;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  const serve = async () => {
    server = startCli(['serve', '--port', String(port)], { LABVISOR_DATA_DIR: dataDir });
    return firstStdoutLine(server);
  };

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'labvisor-e2e-server-restart-'));
    port = await freePort();
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    problems = watchProblems(page);
    // Keeps the page's WebSockets reachable, so the test can drop one as a network does.
    await page.addInitScript(() => {
      const Native = window.WebSocket;
      const sockets: WebSocket[] = [];
      (window as unknown as { labvisorTestSockets: WebSocket[] }).labvisorTestSockets = sockets;
      window.WebSocket = class extends Native {
        constructor(url: string | URL, protocols?: string | string[]) {
          super(url, protocols);
          sockets.push(this);
        }
      };
    });
  });
  after(async () => {
    await browser?.close();
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('a dropped connection: the page says so, reconnects, and the terminal comes back with its scrollback', async () => {
    const url = await serve();
    assert.equal(statSync(keptTokenFile(port, dataDir)).mode & 0o777, 0o600, 'the kept token is readable by this user only');
    await page.goto(url);
    await startLab(page, 'First steps: images, containers, exec, logs', ['host']);
    await page.locator('.terminal-view[data-machine="host"] .xterm-helper-textarea').focus();
    await page.keyboard.type('echo before-the-drop-$((6*7))\n');
    await waitForTerminal(page, 'host', /before-the-drop-42/);

    const dropped = Date.now();
    await page.evaluate(() => (window as unknown as { labvisorTestSockets: WebSocket[] }).labvisorTestSockets.at(-1)!.close());
    await page.getByRole('status').filter({ hasText: 'Connection lost — reconnecting…' }).waitFor({ timeout: 5000 });
    await page.getByRole('status').filter({ hasText: 'Connection lost' }).waitFor({ state: 'detached', timeout: 30_000 });
    // The re-attach cleared the screen and the server replayed the scrollback into it.
    await waitForTerminal(page, 'host', /before-the-drop-42/, 30_000);
    console.log(`figures: a dropped WebSocket: reconnected with the scrollback in ${Date.now() - dropped} ms`);
    await page.locator('.terminal-view[data-machine="host"] .xterm-helper-textarea').focus();
    await page.keyboard.type('echo after-the-drop-$((6*7))\n');
    await waitForTerminal(page, 'host', /after-the-drop-42/);
    assert.equal(await page.getByText('The server restarted').count(), 0, 'the same server: no restart said');
  });

  test('a restarted server: the page says so, reconnects with the kept token, and offers Start again', async () => {
    await stop(server);
    await page.getByRole('status').filter({ hasText: 'Connection lost — reconnecting…' }).waitFor({ timeout: 10_000 });
    const url = await serve();
    const restarted = Date.now();
    assert.ok(url.endsWith(`#token=${await page.evaluate(() => sessionStorage.getItem('labvisor.token'))}`), 'the new server kept the token the page holds');

    await page.getByRole('status').filter({ hasText: 'The server restarted — reconnected.' }).waitFor({ timeout: 30_000 });
    const ended = page.getByRole('alert').filter({ hasText: 'This lab stopped while the page was away' });
    await ended.waitFor({ timeout: 30_000 });
    console.log(`figures: a restarted server: the page said so and showed the lab ended ${Date.now() - restarted} ms after the new server printed its URL`);
    await page.locator('.app').screenshot({ path: screenshotPath('server-restarted') });
    await ended.getByRole('button', { name: 'Start again' }).click();
    await page.locator('.terminal-panel').waitFor({ timeout: 300_000 });
    await waitForTerminal(page, 'host', /[#$]\s*$/m, 120_000);
    await ended.waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Dismiss' }).click();
    assert.equal(await page.getByText('The server restarted').count(), 0);
    assert.deepEqual(problems.filter((p) => !/WebSocket|ERR_CONNECTION_REFUSED|Failed to load resource/.test(p)), []);
  });
});
