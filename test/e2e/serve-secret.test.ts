// The browser mode's secret stays with its page, in Chromium: `labvisor serve --open` hands the
// browser a one-time code, the page trades it for the token and keeps that in sessionStorage;
// then the same browser visits a neighbour, another server on 127.0.0.1 that records everything
// it receives, and the neighbour must get no cookie and neither secret. Back on the app without
// any fragment, a reload still connects; a spent code or a bare URL gets the "open the printed
// URL" message and no WebSocket. The printed URL itself (#token=) is tried the same way in a
// new tab. See docs/security.md.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page, WebSocket as PageSocket } from 'playwright-core';
import { fakeUrlOpener } from '../integration/support.js';
import { launchChromium, prerequisites, serve, watchProblems, type Served } from './support.js';

const skip = await prerequisites();
const PIXEL = Buffer.from('R0lGODlhAQABAAAAACw=', 'base64');

/** Another server on 127.0.0.1, as a dev server or a lab's published port is: it keeps every request. */
async function neighbour(): Promise<{ server: Server; url: string; seen: Array<{ url: string; headers: IncomingHttpHeaders }> }> {
  const seen: Array<{ url: string; headers: IncomingHttpHeaders }> = [];
  const server = createServer((req, res) => {
    seen.push({ url: req.url ?? '', headers: req.headers });
    // Every page has a subresource: cookies ride on those too.
    if (req.url === '/pixel.gif') res.writeHead(200, { 'Content-Type': 'image/gif' }).end(PIXEL);
    else res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>neighbour</title><img src="/pixel.gif" alt="">');
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, seen };
}

describe('the serve secret stays with its page', { skip }, () => {
  let dir: string;
  let served: Served;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];
  let token: string;
  let codeUrl: string;
  let appUrl: string;
  const sockets: PageSocket[] = [];

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'labvisor-secret-'));
    const opener = fakeUrlOpener(dir);
    served = await serve(['--open'], opener.env);
    const printed = new URL(served.url);
    token = printed.hash.slice('#token='.length);
    appUrl = `${printed.origin}/`;
    codeUrl = await opener.argv();
    assert.match(codeUrl, /#code=[A-Za-z0-9_-]{43}$/);
    assert.ok(!codeUrl.includes(token), '--open puts no token in a command line');
    browser = await launchChromium();
    context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
    page = await context.newPage();
    problems = watchProblems(page);
    page.on('websocket', (ws) => sockets.push(ws));
  });
  after(async () => {
    await browser?.close();
    await served?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const catalogLoaded = async (p: Page) => {
    await p.locator('.lab-card').first().waitFor({ timeout: 60_000 });
    return p.locator('.lab-card').count();
  };
  const openSocket = () => sockets.find((ws) => ws.url() === `${appUrl.replace('http:', 'ws:')}ws` && !ws.isClosed());
  const code = () => codeUrl.slice(codeUrl.indexOf('#code=') + '#code='.length);

  test('the one-time code opens the app; no secret stays in the address bar, none in a cookie', async () => {
    await page.goto(codeUrl);
    assert.ok(await catalogLoaded(page) > 0);
    assert.ok(openSocket(), 'the WebSocket is open');
    assert.equal(page.url(), appUrl, 'the fragment left the address bar');
    assert.equal(await page.evaluate(() => location.hash), '');
    assert.equal(await page.evaluate(() => document.cookie), '');
    assert.deepEqual(await context.cookies(), []);
    assert.equal(await page.evaluate(() => sessionStorage.getItem('labvisor.token')), token);
  });

  test('a neighbour on 127.0.0.1 gets no cookie, no token and no code', async () => {
    const other = await neighbour();
    try {
      // A link followed from the app's page (a Referer would be sent now, if any), then a typed URL.
      await page.evaluate((url) => { location.href = url; }, other.url);
      await page.waitForURL(other.url);
      await page.goto(`${other.url}typed`);
      // What the browser holds for 127.0.0.1 goes with a credentialed request of the neighbour's own.
      await page.evaluate((url) => fetch(`${url}probe`, { credentials: 'include' }).then((r) => r.status), other.url);
      // Nor can the neighbour's page open the app's WebSocket: its Origin is foreign, it has no token.
      const probe = await context.newPage();
      await probe.goto(other.url);
      const opened = await probe.evaluate((ws) => new Promise<boolean>((resolve) => {
        const socket = new WebSocket(ws, ['labvisor']);
        socket.onopen = () => resolve(true);
        socket.onerror = () => resolve(false);
      }), `${appUrl.replace('http:', 'ws:')}ws`);
      assert.equal(opened, false);
      await probe.close();

      const paths = other.seen.map((r) => r.url);
      for (const path of ['/', '/pixel.gif', '/typed', '/probe']) assert.ok(paths.includes(path), `the neighbour saw ${paths.join(', ')}`);
      for (const r of other.seen) assert.equal(r.headers.cookie, undefined, `${r.url} came with a Cookie`);
      const everything = JSON.stringify(other.seen);
      assert.ok(!everything.includes(token), 'the token reached the neighbour');
      assert.ok(!everything.includes(code()), 'the code reached the neighbour');
    } finally {
      other.server.closeAllConnections();
      other.server.close();
    }
  });

  test('back on the app without a fragment, and after a reload, the tab still connects', async () => {
    sockets.length = 0;
    await page.goto(appUrl);
    assert.ok(await catalogLoaded(page) > 0);
    await page.reload();
    assert.ok(await catalogLoaded(page) > 0);
    assert.ok(openSocket(), 'the WebSocket is open after the reload');
    assert.equal(await page.locator('.connection').count(), 0, 'no "connecting" notice');
    assert.equal(await page.evaluate(() => document.cookie), '');
    assert.deepEqual(await context.cookies(), []);
    assert.deepEqual(problems, []);
  });

  test('a spent code, or no secret at all: the page says to open the printed URL and opens no WebSocket', async () => {
    const fresh = await browser.newContext();
    try {
      const other = await fresh.newPage();
      const attempts: string[] = [];
      other.on('websocket', (ws) => attempts.push(ws.url()));
      await other.goto(codeUrl);
      const message = other.locator('.no-token');
      await message.waitFor();
      assert.match(await message.innerText(), /Open the URL that labvisor serve printed/);
      assert.equal(await other.evaluate(() => location.hash), '', 'even a spent code leaves the address bar');
      await other.goto(appUrl);
      await message.waitFor();
      await other.waitForTimeout(1000);
      assert.deepEqual(attempts, []);
    } finally {
      await fresh.close();
    }
  });

  test('the printed URL (#token=) in a new tab: the app opens, a neighbour gets no cookie and no token, a reload still connects', async () => {
    const fresh = await browser.newContext();
    const other = await neighbour();
    try {
      const tab = await fresh.newPage();
      const tabProblems = watchProblems(tab);
      const tabSockets: PageSocket[] = [];
      tab.on('websocket', (ws) => tabSockets.push(ws));
      await tab.goto(served.url);
      assert.ok(await catalogLoaded(tab) > 0);
      assert.equal(tab.url(), appUrl, 'the token left the address bar');
      await tab.evaluate((url) => { location.href = url; }, other.url);
      await tab.waitForURL(other.url);
      await tab.evaluate((url) => fetch(`${url}probe`, { credentials: 'include' }).then((r) => r.status), other.url);
      for (const r of other.seen) assert.equal(r.headers.cookie, undefined, `${r.url} came with a Cookie`);
      assert.ok(other.seen.some((r) => r.url === '/probe'), 'the neighbour was visited');
      assert.ok(!JSON.stringify(other.seen).includes(token), 'the token reached the neighbour');
      await tab.goBack();
      await tab.reload();
      assert.ok(await catalogLoaded(tab) > 0);
      assert.ok(tabSockets.some((ws) => ws.url() === `${appUrl.replace('http:', 'ws:')}ws` && !ws.isClosed()), 'the WebSocket is open after the reload');
      assert.deepEqual(await fresh.cookies(), []);
      assert.deepEqual(tabProblems, []);
    } finally {
      other.server.closeAllConnections();
      other.server.close();
      await fresh.close();
    }
  });
});
