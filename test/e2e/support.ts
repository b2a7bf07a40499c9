// Shared by the end-to-end tests: `labvisor serve` as a person starts it, Debian's Chromium
// driven by playwright-core, and what a learner sees (terminal rows, check results). Missing
// Chromium, Docker or QEMU skips the tests with the reason, except in CI (CI=true) where it fails.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { onPath } from '../../electron/engine/which.js';
import { engineOrSkip, firstStdoutLine, root, startCli, type CliProcess } from '../integration/support.js';

export const CHROMIUM = '/usr/bin/chromium';
export const RESULTS = join(root, 'test-results');

/** Why these tests cannot run here (false when they can); throws in CI. */
export async function prerequisites(opts: { qemu?: boolean } = {}): Promise<string | false> {
  const missing: string[] = [];
  if (!existsSync(CHROMIUM)) missing.push(`no Chromium at ${CHROMIUM} (Debian: apt-get install chromium)`);
  const engine = await engineOrSkip();
  if (engine.skip) missing.push(engine.skip);
  if (opts.qemu && !(await onPath('qemu-system-x86_64')) && !(await onPath('qemu-system-aarch64'))) missing.push('no QEMU (Debian: apt-get install qemu-system-x86)');
  if (!missing.length) return false;
  if (process.env.CI) throw new Error(`End-to-end tests need these in CI: ${missing.join('; ')}`);
  return missing.join('; ');
}

export interface Served { child: CliProcess; url: string; stop(): Promise<void> }

/**
 * `labvisor serve --port 0` (plus `args`); its first stdout line is the URL with the token in its
 * fragment (…/#token=…), which the page moves to sessionStorage and out of the address bar.
 */
export async function serve(args: string[] = [], env: Record<string, string> = {}): Promise<Served> {
  const child = startCli(['serve', '--port', '0', ...args], env);
  const url = await firstStdoutLine(child);
  return {
    child, url,
    // Ctrl-C: the server stops every lab it started, then exits.
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
      await child.result;
    },
  };
}

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    // --disable-3d-apis: headless Chromium still offers software WebGL; without it, as on a
    // machine with no GPU, the terminals take their DOM renderer fallback, whose rows the tests read.
    args: ['--no-sandbox', '--disable-gpu', '--disable-3d-apis', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
}

export interface AppPage {
  served: Served; browser: Browser; page: Page; problems: string[];
  /** The app's own data folder (openAppApart), removed by closeApp. */
  dataDir?: string;
}

/** The app as a learner opens it: `labvisor serve`, Chromium, one page on the start URL, watched for problems. */
export async function openApp(env: Record<string, string> = {}): Promise<AppPage> {
  const served = await serve([], env);
  const browser = await launchChromium();
  const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
  const problems = watchProblems(page);
  await page.goto(served.url);
  return { served, browser, page, problems };
}

/**
 * The app with a data folder of its own, so the labs it opens and its progress stay out of the
 * user's; `prepare` may put things in it first (progress files).
 */
export async function openAppApart(name: string, prepare?: (dataDir: string) => void): Promise<AppPage> {
  const dataDir = mkdtempSync(join(tmpdir(), `labvisor-e2e-${name}-`));
  prepare?.(dataDir);
  return { ...await openApp({ LABVISOR_DATA_DIR: dataDir }), dataDir };
}

/** Closes the browser, then stops the server, which stops every lab it started; removes an own data folder. */
export async function closeApp(app: AppPage | undefined): Promise<void> {
  await app?.browser.close();
  await app?.served.stop();
  if (app?.dataDir) rmSync(app.dataDir, { recursive: true, force: true });
}

/** Console errors, page errors and CSP violations of a page: the tests expect none. */
export function watchProblems(page: Page): string[] {
  const problems: string[] = [];
  page.on('console', (m) => { if (m.type() === 'error' || /Content Security Policy/i.test(m.text())) problems.push(`console: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return problems;
}

export function screenshotPath(name: string): string {
  mkdirSync(RESULTS, { recursive: true });
  return join(RESULTS, `${name}.png`);
}

/** The text a machine's terminal shows now (xterm's DOM rows: what the learner sees). */
export async function terminalText(page: Page, machine: string): Promise<string> {
  const view = page.locator(`.terminal-view[data-machine="${machine}"]`);
  const renderer = await view.getAttribute('data-renderer');
  if (renderer !== 'dom') throw new Error(`terminal ${machine} draws with ${renderer}; the test reads the DOM renderer's rows`);
  const rows = await view.locator('.xterm-rows > div').allTextContents();
  return rows.join('\n').replace(/\u00a0/g, ' ');
}

export async function waitForTerminal(page: Page, machine: string, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await terminalText(page, machine).catch(() => '');
    // A long line wraps over rows: match the rows as lines, and as one run of text.
    if (pattern.test(text) || pattern.test(text.replace(/\n/g, ''))) return text;
    await page.waitForTimeout(250);
  }
  throw new Error(`terminal ${machine} never showed ${pattern}; it shows:\n${text}`);
}

/** Opens a lab from the catalog and starts it, waiting for every terminal's prompt. */
export async function startLab(page: Page, title: string, machines: string[], timeoutMs = 300_000): Promise<void> {
  await page.getByRole('button', { name: `${title}`, exact: false }).click();
  await page.getByRole('button', { name: 'Start lab' }).click();
  await page.locator('.terminal-panel').waitFor({ timeout: timeoutMs });
  for (const m of machines) {
    await page.getByRole('tab', { name: new RegExp(`^${m}`) }).click();
    await waitForTerminal(page, m, /[#$]\s*$/m, 120_000);
  }
}

/** Opens the lab folder `dir` from the catalog, then its lab `title`, and starts it, waiting for `machine`'s prompt. */
export async function openFolderAndStart(page: Page, dir: string, title: string, machine: string): Promise<void> {
  await page.locator('.lab-card').first().waitFor();
  await page.getByRole('button', { name: 'Open lab folder…' }).click();
  await page.getByRole('textbox', { name: 'Path of the lab folder' }).fill(dir);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: `Open lab: ${title}` }).click();
  await page.getByRole('button', { name: 'Start lab' }).click();
  await page.locator('.terminal-panel').waitFor({ timeout: 300_000 });
  await waitForTerminal(page, machine, /[#$]\s*$/m, 120_000);
}

/** Clicks "Next step" (or "Finish") and waits for the next step's text. */
export async function nextStep(page: Page): Promise<void> {
  const kicker = page.locator('.step-kicker');
  const before = await kicker.innerText();
  const last = await page.getByRole('button', { name: 'Finish' }).count();
  await page.getByRole('button', { name: /Next step|Finish/ }).click();
  if (last) return;
  await page.waitForFunction((was) => document.querySelector('.step-kicker')?.textContent !== was && document.querySelector('.markdown h1') !== null, before);
}

/** Clicks every Run button of the current step, in order. */
export async function runBlocks(page: Page): Promise<number> {
  const buttons = page.locator('.step-content [data-run]');
  const n = await buttons.count();
  for (let i = 0; i < n; i++) {
    await buttons.nth(i).click();
    await page.waitForTimeout(300);
  }
  return n;
}

/** Clicks Check until the step passes (commands may still be running), else fails with the FAIL lines. */
export async function checkUntilPassed(page: Page, timeoutMs = 90_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (await page.locator('.check-result .result.pass').count()) return;
    const check = page.getByRole('button', { name: 'Check', exact: true });
    await check.click();
    await page.waitForFunction(() => !document.querySelector('.step-actions .button.primary .spinner'), undefined, { timeout: 60_000 });
    if (await page.locator('.check-result .result.pass').count()) return;
    last = await page.locator('.check-result').innerText().catch(() => '');
    await page.waitForTimeout(1000);
  }
  const shot = screenshotPath(`check-failed-${Date.now()}`);
  await page.screenshot({ path: shot });
  throw new Error(`the step's check never passed (screenshot: ${shot}); last result:\n${last}`);
}

export async function currentStepTitle(page: Page): Promise<string> {
  return (await page.locator('.markdown h1').first().innerText()).trim();
}

/** axe-core's serious and critical violations (injected through the devtools protocol, which the CSP does not apply to), in the page or the part `within` selects. */
export async function axeViolations(page: Page, within?: string): Promise<string[]> {
  const source = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  await page.evaluate(source);
  const violations = await page.evaluate(async (within) => {
    const axe = (window as unknown as { axe: { run(ctx: Document | Element): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: unknown[] }[] }[] }> } }).axe;
    const r = await axe.run(within ? document.querySelector(within)! : document);
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target)) }));
  }, within);
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.targets.join(', ')}`);
}

/** The id of the session the player shows. */
export async function sessionId(page: Page): Promise<string> {
  const id = await page.locator('.lab-bar').getAttribute('data-session');
  if (!id) throw new Error('the player shows no session');
  return id;
}

/** Stops the lab through the UI and waits until it is gone. */
export async function stopLabViaUi(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Stop lab' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Stop lab' }).click();
  // Stopped (not merely stopping): the lab bar says so and Start is possible again.
  await page.locator('.lab-bar .badge', { hasText: 'Not running' }).waitFor({ timeout: 120_000 });
  await page.locator('.start-panel button:not([disabled])', { hasText: 'Start lab' }).waitFor({ timeout: 120_000 });
}

/** How many rows a machine's terminal has now (xterm's DOM renderer draws one div a row). */
export async function terminalRows(page: Page, machine: string): Promise<number> {
  return page.locator(`.terminal-view[data-machine="${machine}"] .xterm-rows > div`).count();
}

/**
 * What a learner cannot see in full: the page wider or taller than the window; a visible control
 * or text block out of the window or cut at the edge of a box that clips it (scrolled out of a
 * vertical scroll box is fine: it scrolls into view); text cut short (an ellipsis, a clipped box);
 * a code block whose lines are wider than it. The terminals' own rows are left out (xterm wraps them).
 */
export async function layoutProblems(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const out: string[] = [];
    const de = document.documentElement;
    const vw = de.clientWidth;
    const vh = de.clientHeight;
    if (de.scrollWidth > vw) out.push(`the page is ${de.scrollWidth} px wide in a ${vw} px window`);
    const label = (el: Element) => {
      const cls = typeof el.className === 'string' && el.className.trim() ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
      const text = (el.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 40);
      return `${el.tagName.toLowerCase()}${cls} "${text}"`;
    };
    if (de.scrollHeight > vh) {
      // Name what reaches furthest down: the element to fix.
      // Name what escapes its parent downwards: the element to fix.
      const below = (el: Element | null) => el !== null && el.getBoundingClientRect().bottom > vh + 1;
      const low = [...document.body.querySelectorAll('*')].filter((el) => below(el) && !below(el.parentElement)).slice(0, 3)
        .map((el) => `${label(el)} reaches ${Math.round(el.getBoundingClientRect().bottom)} px`);
      out.push(`the page is ${de.scrollHeight} px tall in a ${vh} px window${low.length ? ` (${low.join('; ')})` : ''}`);
    }
    const skipped = (el: Element) => el.closest('.visually-hidden, .skip-link, .xterm, [hidden], .terminal-pane.hidden, dialog:not([open]), .bar') !== null;
    const shown = (el: HTMLElement) => {
      if (skipped(el)) return false;
      const s = getComputedStyle(el);
      if (s.visibility !== 'visible' || s.display === 'none' || s.clipPath === 'inset(50%)') return false;
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0;
    };
    const CONTROLS = 'button, a[href], input, select, textarea, [role="tab"], summary';
    const TEXT = 'h1, h2, h3, h4, p, li, dt, dd, pre, td, th, label, figcaption, .hint, .result, .badge, .lab-title, .step-kicker, kbd';
    for (const el of document.querySelectorAll<HTMLElement>(`${CONTROLS}, ${TEXT}`)) {
      if (!shown(el)) continue;
      const r = el.getBoundingClientRect();
      let left = 0, right = vw, top = 0, bottom = vh, scrollsY = false;
      for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
        const s = getComputedStyle(a);
        const ar = a.getBoundingClientRect();
        if (s.overflowX !== 'visible') { left = Math.max(left, ar.left); right = Math.min(right, ar.right); }
        if (s.overflowY !== 'visible') {
          if (s.overflowY === 'auto' || s.overflowY === 'scroll') scrollsY = true;
          top = Math.max(top, ar.top); bottom = Math.min(bottom, ar.bottom);
        }
        // A fixed box (a dialog) is placed against the window: its own ancestors clip nothing.
        if (s.position === 'fixed') break;
      }
      if (r.left < left - 1 || r.right > right + 1) out.push(`${label(el)} is cut at the ${r.right > right + 1 ? 'right' : 'left'} edge (it spans ${Math.round(r.left)}–${Math.round(r.right)} px; ${Math.round(left)}–${Math.round(right)} px show)`);
      else if (!scrollsY && (r.top < top - 1 || r.bottom > bottom + 1)) out.push(`${label(el)} is cut at the ${r.bottom > bottom + 1 ? 'bottom' : 'top'} (it spans ${Math.round(r.top)}–${Math.round(r.bottom)} px; ${Math.round(top)}–${Math.round(bottom)} px show)`);
    }
    // Text cut short: a box that hides its overflow with more text than room (an ellipsis, a clip).
    for (const el of document.body.querySelectorAll<HTMLElement>('*')) {
      if (!shown(el) || el.querySelector('.xterm') || !(el.textContent ?? '').trim()) continue;
      const s = getComputedStyle(el);
      const clipsX = s.overflowX === 'hidden' || s.overflowX === 'clip';
      if ((clipsX || s.textOverflow === 'ellipsis') && el.scrollWidth > el.clientWidth + 1) out.push(`${label(el)} cuts its text (${el.scrollWidth} px of text in ${el.clientWidth} px)`);
      if (el.tagName === 'PRE' && el.scrollWidth > el.clientWidth + 1) out.push(`code block ${label(el)} is clipped (${el.scrollWidth} px of code in ${el.clientWidth} px)`);
    }
    return [...new Set(out)];
  });
}
