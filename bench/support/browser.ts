// Debian's Chromium through playwright-core (never a downloaded browser), `labvisor serve` as a
// person starts it, and in-page probes: what a learner sees is xterm's DOM rows, so a figure
// ends when a MutationObserver sees the expected row, timed with the page's own clock from the
// keydown that started it (the devtools round trip is not ours to count).
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { packageRoot } from '../../electron/engine/paths.js';
import { defer } from '../cleanup.js';

export const CHROMIUM = '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    // As the e2e tests: no GPU here, so xterm draws with its DOM renderer in both pages compared.
    args: ['--no-sandbox', '--disable-gpu', '--disable-3d-apis', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  defer('Chromium', () => browser.close());
  return browser;
}

export interface Spawned { child: ChildProcess; url: string; stop(): Promise<void> }

/** A Node child whose first stdout line is its URL; stopped with SIGINT (serve then stops its labs). */
export async function spawnServer(args: string[], what: string): Promise<Spawned> {
  const child = spawn(process.execPath, args, { cwd: packageRoot(), stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = defer(what, async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
    // unref: a pending 60 s timer would keep the bench alive that long after its last figure.
    await Promise.race([exited, new Promise((r) => setTimeout(r, 60_000).unref())]);
  });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-2000); });
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`${what}: no URL on stdout; stderr: ${stderr}`)), 30_000);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) { clearTimeout(timer); resolve(out.slice(0, out.indexOf('\n'))); }
    });
  });
  return { child, url, stop };
}

export const serveLabvisor = () => spawnServer([join(packageRoot(), 'bin', 'labvisor.js'), 'serve', '--port', '0'], 'labvisor serve');

/** How a row is looked for: a row equal to `text`, or all rows' text containing it, or a row matching it. */
export type RowTest = { line: string } | { includes: string } | { regex: string };

/**
 * Arms a watch on the rows of the xterm inside `scope`; `settled()` resolves with the page's
 * clock when it matched, the time of the last keydown, and the matching row.
 */
export async function watchRows(page: Page, scope: string, test: RowTest, timeoutMs = 60_000): Promise<{ settled(): Promise<{ at: number; key: number; row: string }> }> {
  const id = await page.evaluate(({ scope, test, timeoutMs }) => {
    type Probe = { key: number; next: number; watches: Map<number, Promise<{ at: number; key: number; row: string }>> };
    const w = window as unknown as { lvBench?: Probe };
    if (!w.lvBench) {
      const probe: Probe = { key: 0, next: 0, watches: new Map() };
      w.lvBench = probe;
      addEventListener('keydown', () => { probe.key = performance.now(); }, true);
    }
    const probe = w.lvBench;
    const rows = document.querySelector(`${scope} .xterm-rows`);
    if (!rows) throw new Error(`no xterm rows in ${scope}`);
    const lines = () => [...rows.children].map((r) => (r.textContent ?? '').replace(/\u00a0/g, ' ').trimEnd());
    const find = (): string | undefined => {
      const all = lines();
      if ('line' in test) return all.find((l) => l === test.line);
      if ('includes' in test) return all.join('\n').includes(test.includes) ? test.includes : undefined;
      const re = new RegExp(test.regex);
      return all.find((l) => re.test(l));
    };
    const id = probe.next++;
    probe.watches.set(id, new Promise((resolve, reject) => {
      const hit = find();
      if (hit !== undefined) return resolve({ at: performance.now(), key: probe.key, row: hit });
      const observer = new MutationObserver(() => {
        const row = find();
        if (row === undefined) return;
        observer.disconnect();
        clearTimeout(timer);
        resolve({ at: performance.now(), key: probe.key, row });
      });
      const timer = setTimeout(() => { observer.disconnect(); reject(new Error(`no row ${JSON.stringify(test)} in ${timeoutMs} ms; last rows: ${lines().filter(Boolean).slice(-4).join(' | ')}`)); }, timeoutMs);
      observer.observe(rows, { childList: true, subtree: true, characterData: true });
    }));
    return id;
  }, { scope, test, timeoutMs });
  return {
    settled: () => page.evaluate(async (id) => {
      const probe = (window as unknown as { lvBench: { watches: Map<number, Promise<{ at: number; key: number; row: string }>> } }).lvBench;
      try { return await probe.watches.get(id)!; } finally { probe.watches.delete(id); }
    }, id),
  };
}

/** Waits for a row now (no timing). */
export async function waitRow(page: Page, scope: string, test: RowTest, timeoutMs = 60_000): Promise<string> {
  return (await (await watchRows(page, scope, test, timeoutMs)).settled()).row;
}
