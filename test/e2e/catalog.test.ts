// The catalog in a real browser against `labvisor serve`: every bundled lab as a card, the
// search and tag filter, this machine's engine state, no accessibility violations, and no
// console error or CSP violation.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { axeViolations, closeApp, openApp, prerequisites, screenshotPath, type AppPage } from './support.js';

const skip = await prerequisites();

describe('catalog', { skip }, () => {
  let page: Page;
  let problems: string[];

  let app: AppPage;
  before(async () => { app = await openApp(); ({ page, problems } = app); });
  after(() => closeApp(app));

  test('shows a card per lab with duration, difficulty, tags and progress', async () => {
    await page.locator('.lab-card').first().waitFor();
    const titles = await page.locator('.lab-card h2').allInnerTexts();
    assert.ok(titles.includes('Back up the volume, not the container'), titles.join(', '));
    assert.ok(titles.includes('A container is a process; a VM is a machine'), titles.join(', '));
    const card = page.locator('.lab-card', { hasText: 'Back up the volume' });
    assert.match(await card.innerText(), /20 min/);
    assert.match(await card.innerText(), /beginner/i);
    assert.match(await card.innerText(), /0\/7 steps/);
    assert.equal(await card.locator('.tag', { hasText: 'volumes' }).count(), 1);
  });

  test('lists the learning path first, numbered from 1, beginner first', async () => {
    await page.locator('.lab-card').first().waitFor();
    const onPath = page.locator('.lab-card', { has: page.locator('.path-step') });
    const titles = await onPath.locator('h2').allInnerTexts();
    assert.deepEqual(titles.slice(0, 3), ['First steps: images, containers, exec, logs', 'A container is a process; a VM is a machine', 'Back up the volume, not the container']);
    assert.deepEqual(await onPath.locator('.path-step [aria-hidden]').allInnerTexts(), titles.map((_, i) => String(i + 1)));
    // The path comes before every other lab.
    const all = await page.locator('.lab-card h2').allInnerTexts();
    assert.deepEqual(all.slice(0, titles.length), titles);
    assert.equal(await onPath.first().locator('.path-step').getAttribute('title'), `Lab 1 of ${titles.length} on the learning path`);
  });

  test("shows the engine's state from doctor", async () => {
    await page.locator('.engine-facts').waitFor({ timeout: 60_000 });
    const text = await page.locator('.engine-status').innerText();
    assert.match(text, /Docker (on this machine|Desktop VM)|Remote Docker engine/);
    assert.match(text, /VIRTUAL MACHINES/i);
  });

  test('filters by search and by tag', async () => {
    // Other labs come and go: assert on what the filter means, not on a fixed list.
    const count = () => page.locator('.lab-card').count();
    const titles = () => page.locator('.lab-card h2').allInnerTexts();
    const all = await count();
    const search = page.getByRole('searchbox', { name: 'Search labs' });
    await search.fill('volume backup');
    assert.ok((await titles()).includes('Back up the volume, not the container'));
    for (const text of await page.locator('.lab-card').allInnerTexts()) assert.match(text.toLowerCase(), /volume[\s\S]*backup|backup[\s\S]*volume/);
    await search.fill('');
    const vms = page.getByRole('group', { name: 'Filter by tag' }).getByRole('button', { name: 'vms', exact: true });
    await vms.click();
    assert.ok((await titles()).includes('A container is a process; a VM is a machine'));
    assert.ok(!(await titles()).includes('Back up the volume, not the container'));
    for (const card of await page.locator('.lab-card').all()) assert.equal(await card.locator('.tag', { hasText: /^vms$/ }).count(), 1);
    await vms.click();
    assert.equal(await count(), all);
  });

  test('has no serious accessibility violations', async () => {
    await page.screenshot({ path: screenshotPath('catalog') });
    assert.deepEqual(await axeViolations(page), []);
  });

  test('the help overlay lists the shortcuts and Escape closes it', async () => {
    await page.keyboard.press('?');
    const dialog = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /Presenter mode/);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'hidden' });
  });

  test('no console errors and no CSP violations', () => {
    assert.deepEqual(problems, []);
  });
});
