// The player in a real room (issue 20): the normal player and presenter mode at 1024×768,
// 1280×720 and 1920×1080, with a started lab (first-steps, whose first step has a long `docker
// run`), a hint and the solution shown. At every size and in both modes: nothing off screen or cut
// at an edge, no code block clipped, the terminal with at least 15 rows, split view with the
// lenses open still leaving each terminal a usable height, and axe clean on the whole page.
// One screenshot per size and mode (and one with split view + lenses, the kernel lens, the
// keyboard help, the step drawer) lands in test-results/. Also: a finished lab's catalog card,
// the engine banner saying each finding once, and a `lab:` link at a lab's end.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { parse } from 'yaml';
import { root } from '../integration/support.js';
import { axeViolations, closeApp, layoutProblems, openAppApart, prerequisites, screenshotPath, startLab, terminalRows, type AppPage } from './support.js';

const skip = await prerequisites();

const SIZES = [[1024, 768], [1280, 720], [1920, 1080]] as const;
/** Rows a terminal keeps at least, alone (tabs) and beside another one with the lenses open (split). */
const MIN_ROWS = 15;
const MIN_SPLIT_ROWS = 8;

async function setPresenter(page: Page, on: boolean): Promise<void> {
  const button = page.getByRole('button', { name: 'Presenter', exact: true });
  if ((await button.getAttribute('aria-pressed')) !== String(on)) await button.click();
  await page.waitForFunction((want) => document.documentElement.classList.contains('presenter') === want, on);
}

async function setSplit(page: Page, on: boolean): Promise<void> {
  const button = page.getByRole('button', { name: 'Split view' });
  if ((await button.getAttribute('aria-pressed')) !== String(on)) await button.click();
}

async function setLenses(page: Page, on: boolean): Promise<void> {
  const open = await page.locator('#lens-panel').count() > 0;
  if (open !== on) await page.locator('.lab-bar').getByRole('button', { name: 'Lenses' }).click();
  if (on) await page.locator('#lens-panel .lens-table, #lens-panel .lens-empty').first().waitFor({ timeout: 30_000 });
  else await page.locator('#lens-panel').waitFor({ state: 'detached' });
}

/** After a resize or a mode change: let the terminals refit and the fonts settle. */
async function settle(page: Page): Promise<void> {
  await page.waitForTimeout(600);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

describe('layouts for rooms', { skip, timeout: 900_000 }, () => {
  let app: AppPage;
  let page: Page;
  before(async () => {
    // volume-backup done to its last step: its card must not say "Continue".
    const steps = (parse(readFileSync(join(root, 'labs', 'volume-backup', 'lab.yaml'), 'utf8')) as { steps: { id: string }[] }).steps.map((s) => s.id);
    app = await openAppApart('layouts', (dataDir) => {
      mkdirSync(join(dataDir, 'progress'), { recursive: true });
      writeFileSync(join(dataDir, 'progress', 'volume-backup.json'), JSON.stringify({ lab: 'volume-backup', currentStep: steps.at(-1), passed: steps, hintsShown: {}, solutionsShown: [] }));
    });
    page = app.page;
  });
  after(async () => {
    await closeApp(app);
  });

  test('the catalog: a finished lab says Done and Open again; the engine banner tells each finding once', async () => {
    const card = page.locator('.lab-card', { hasText: 'Back up the volume, not the container' });
    await card.getByRole('button', { name: "Open again: Back up the volume, not the container" }).waitFor();
    assert.match(await card.locator('.progress-line').innerText(), /Done/);
    await page.locator('.engine-facts').waitFor({ timeout: 60_000 });
    const banner = await page.locator('.engine-status').innerText();
    for (const line of banner.split('\n').map((l) => l.trim()).filter((l) => l.length > 20)) {
      assert.equal(banner.split(line).length - 1, 1, `the banner says "${line}" more than once:\n${banner}`);
    }
    // "Fix:" only before something to do, never before advice such as the accelerator's.
    assert.doesNotMatch(banner, /Fix: VMs run under software emulation/);
  });

  test('starts first-steps and shows a hint and the solution of its first step', async () => {
    await page.setViewportSize({ width: 1280, height: 720 });
    await startLab(page, 'First steps', ['worker', 'host']);
    await page.getByRole('button', { name: /^Hint 1 of/ }).click();
    await page.getByRole('button', { name: 'Show solution' }).click();
    await page.getByRole('region', { name: 'Solution' }).waitFor();
    // Focus out of the terminal, as a learner reading the step.
    await page.locator('.step-kicker').click();
  });

  for (const presenter of [false, true]) {
    for (const [width, height] of SIZES) {
      const name = `layout-${width}x${height}${presenter ? '-presenter' : ''}`;
      test(`${width}×${height}${presenter ? ', presenter mode' : ''}: nothing off screen, no clipped code, terminals with room, axe clean`, async (t) => {
        await page.setViewportSize({ width, height });
        await setPresenter(page, presenter);
        await setLenses(page, false);
        await setSplit(page, false);
        await settle(page);
        await page.screenshot({ path: screenshotPath(name) });
        const found: string[] = [];
        found.push(...await layoutProblems(page));
        const rows = await terminalRows(page, 'host');
        if (rows < MIN_ROWS) found.push(`the host terminal has ${rows} rows (want ${MIN_ROWS})`);
        const text = await page.locator('.step-content .markdown p').first().evaluate((p) => Math.round(p.getBoundingClientRect().width));
        // Its columns: the longest row (the banner's long lines wrap at the last column).
        const cols = Math.max(...(await page.locator('.terminal-view[data-machine="host"] .xterm-rows > div').allTextContents()).map((r) => r.trimEnd().length));
        t.diagnostic(`${name}: host terminal ${rows} rows × ${cols} columns; step text ${text} px wide`);

        // A narrow window: the step list is a rail whose toggle opens the titles as a drawer.
        if (width < 1200) {
          const toggle = page.getByRole('button', { name: 'Step titles' });
          await toggle.click();
          await page.locator('.step-list.open').waitFor();
          found.push(...(await layoutProblems(page)).map((p) => `step drawer: ${p}`));
          if (!await page.locator('.step-list .step-title', { hasText: 'Run a command inside a running container' }).isVisible()) found.push('step drawer: no step titles');
          await page.screenshot({ path: screenshotPath(`${name}-steps-drawer`) });
          await page.keyboard.press('Escape');
          await page.locator('.step-list.open').waitFor({ state: 'detached' });
        }
        found.push(...await axeViolations(page));

        // The keyboard help: keys and what they do side by side, never over each other.
        await page.locator('.step-kicker').click();
        await page.keyboard.press('?');
        await page.locator('dialog.help-dialog[open]').waitFor();
        await page.screenshot({ path: screenshotPath(`${name}-help`) });
        found.push(...(await layoutProblems(page)).map((p) => `keyboard help: ${p}`));
        found.push(...await page.evaluate(() => [...document.querySelectorAll('.help-dialog dt')].flatMap((dt) => {
          const dd = dt.nextElementSibling!;
          const [a, b] = [dt.getBoundingClientRect(), dd.getBoundingClientRect()];
          // The keys' own boxes (kbd), not the cell: a cell may be wider than what it holds.
          const keysRight = Math.max(...[...dt.querySelectorAll('kbd')].map((k) => k.getBoundingClientRect().right));
          return keysRight > b.left || (a.bottom > b.top && a.top < b.bottom && a.right > b.left + 1) ? [`keyboard help: "${dt.textContent}" runs into "${dd.textContent}"`] : [];
        })));
        await page.keyboard.press('Escape');
        await page.locator('dialog.help-dialog').waitFor({ state: 'detached' });

        // Split view and the lenses: each terminal keeps a usable height, the lens fits too.
        await setSplit(page, true);
        await setLenses(page, true);
        await settle(page);
        await page.screenshot({ path: screenshotPath(`${name}-split-lenses`) });
        found.push(...(await layoutProblems(page)).map((p) => `split + lenses: ${p}`));
        const split: number[] = [];
        for (const m of ['worker', 'host']) {
          const r = await terminalRows(page, m);
          split.push(r);
          if (r < MIN_SPLIT_ROWS) found.push(`split + lenses: the ${m} terminal has ${r} rows (want ${MIN_SPLIT_ROWS})`);
        }
        t.diagnostic(`${name}: split view with the lenses open: ${split.join(' and ')} rows`);
        found.push(...(await axeViolations(page)).map((p) => `split + lenses: ${p}`));
        // The kernel lens: its values ("= host", the hostname) whole, not cut.
        await page.locator('#lens-panel').getByRole('tab', { name: 'Kernels' }).click();
        await page.locator('#lens-panel .kernel-table').first().waitFor({ timeout: 30_000 });
        found.push(...(await layoutProblems(page)).map((p) => `kernel lens: ${p}`));
        await page.screenshot({ path: screenshotPath(`${name}-kernel-lens`) });
        // Esc closes the lenses with the focus outside them (on the page, not in a terminal).
        await page.locator('.lab-bar [role="status"]').click();
        await page.keyboard.press('Escape');
        await page.locator('#lens-panel').waitFor({ state: 'detached', timeout: 5_000 }).catch(() => found.push('Esc with the focus on the step text left the lenses open'));
        await setLenses(page, false);
        await setSplit(page, false);
        assert.deepEqual(found, [], `${name} (screenshots in test-results/${name}*.png)`);
      });
    }
  }

  test("a lab's end links to the next lab, which opens in the app", async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.locator('.step-link', { hasText: 'What you learned' }).click();
    const link = page.locator('.markdown a.lab-link', { hasText: "Rebuild the image, don't patch the container" });
    assert.equal(await link.getAttribute('href'), '#/lab/rebuild-not-patch');
    await link.click();
    await page.locator('.breadcrumb [aria-current="page"]', { hasText: "Rebuild the image, don't patch the container" }).waitFor();
  });

  test('no console error or CSP violation', () => {
    assert.deepEqual(app.problems, []);
  });
});
