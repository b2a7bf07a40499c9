// One panel's failure stays in that panel, tried by breaking one for real: between the page and a
// real `labvisor serve`, the page's WebSocket is routed through the test, which answers every
// lens request with a result of the wrong shape (as a server of another version might). The
// lenses fail to draw and say so where they were; the terminal, the step and its Check keep
// working, and Try again draws the lenses anew.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { fixture } from '../integration/support.js';
import { launchChromium, openFolderAndStart, prerequisites, serve, stopLabViaUi, waitForTerminal, watchProblems, type Served } from './support.js';

const skip = await prerequisites();

describe('a panel that fails to draw', { skip, timeout: 600_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'labvisor-e2e-boundary-'));
  let served: Served;
  let browser: Browser;
  let page: Page;
  let problems: string[];
  /** While true, lens answers lose their shape. */
  let breakLenses = true;

  before(async () => {
    served = await serve([], { LABVISOR_DATA_DIR: dataDir });
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    problems = watchProblems(page);
    await page.routeWebSocket(/./, (ws) => {
      const server = ws.connectToServer();
      const lensCalls = new Set<number>();
      ws.onMessage((message) => {
        if (typeof message === 'string') {
          const request = JSON.parse(message) as { id?: number; method?: string };
          if (request.id !== undefined && request.method?.startsWith('lens')) lensCalls.add(request.id);
        }
        server.send(message);
      });
      server.onMessage((message) => {
        if (typeof message !== 'string') return ws.send(message);
        const answer = JSON.parse(message) as { type?: string; id?: number; ok?: boolean; result?: unknown };
        if (breakLenses && answer.type === 'response' && answer.ok && lensCalls.has(answer.id ?? -1)) {
          return ws.send(JSON.stringify({ ...answer, result: { unexpected: true } }));
        }
        ws.send(message);
      });
    });
    await page.goto(served.url);
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('the lenses fail and say so in their place; the terminal, the step and Check work on', async () => {
    await openFolderAndStart(page, fixture('keyboard-lab'), 'Keyboard lab (test fixture)', 'box');
    await page.getByRole('button', { name: 'Lenses' }).click();
    const failed = page.locator('.machines-pane .panel-failed');
    await failed.waitFor({ timeout: 30_000 });
    assert.match(await failed.innerText(), /Something went wrong in the lenses\./);
    // The rest of the player is still there and works.
    assert.equal(await page.locator('.markdown h1').innerText(), 'Leave a mark');
    await page.locator('.terminal-pane.active .xterm-helper-textarea').focus();
    await page.keyboard.type('touch /tmp/mark\n');
    await waitForTerminal(page, 'box', /touch \/tmp\/mark\s*\n.*[#$]\s*$/m);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    await page.locator('.check-result .result.pass').waitFor({ timeout: 60_000 });
  });

  test('Try again draws the lenses anew once their answers are right', async () => {
    breakLenses = false;
    await page.locator('.panel-failed').getByRole('button', { name: 'Try again' }).click();
    await page.locator('#lens-panel').waitFor();
    assert.equal(await page.locator('.panel-failed').count(), 0);
    await stopLabViaUi(page);
    // What the page reported: the broken lens's TypeError (React logs an error a boundary caught), nothing else.
    assert.ok(problems.length > 0 && problems.every((p) => p.startsWith('console: TypeError: ')), problems.join('\n'));
  });
});
