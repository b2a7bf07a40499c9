// "Skip to this step" in a real browser. shared-kernel (a container, a QEMU microVM and the Docker
// host): an attendee who fell behind opens step 4, skips to it, and lands there with steps 1–3
// checked and machines in the state step 4 needs (its own solution then works). A lab whose
// fifth solution is wrong on purpose (test/fixtures/labs/catch-up-lab): skipping past it lands
// on that step, with its check's message shown.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { connectEngine } from '../../electron/engine/machines/docker-engine.js';
import { fixture, labelled, nothing } from '../integration/support.js';
import {
  axeViolations, closeApp, currentStepTitle, openAppApart, openFolderAndStart, prerequisites, runBlocks, screenshotPath, sessionId,
  startLab, stopLabViaUi, type AppPage,
} from './support.js';

const skip = await prerequisites({ qemu: true });

/** Opens a step from the step list by its title. */
async function openStepFromList(page: Page, title: string): Promise<void> {
  await page.locator('.step-list .step-link', { hasText: title }).click();
  await page.locator('.step-link[aria-current="step"]', { hasText: title }).waitFor();
}

/** Clicks "Skip to this step" and confirms it. */
async function skipHere(page: Page, confirm: string): Promise<void> {
  await page.getByRole('button', { name: 'Skip to this step' }).click();
  const dialog = page.getByRole('dialog');
  assert.match(await dialog.innerText(), /its solution, run in the machines, and then its check/);
  await dialog.getByRole('button', { name: confirm }).click();
}

/** The step list as [title, passed] pairs. */
async function stepMarks(page: Page): Promise<Array<[string, boolean]>> {
  return page.locator('.step-list .step-link').evaluateAll((links) => links.map((l) => [l.getAttribute('title') ?? '', l.classList.contains('passed')] as [string, boolean]));
}

describe('skip to a step in shared-kernel', { skip, timeout: 900_000 }, () => {
  let app: AppPage;
  let page: Page;
  before(async () => { app = await openAppApart('catch-up'); page = app.page; });
  after(() => closeApp(app));

  test('skip to step 4 lands on step 4 with steps 1–3 checked', async () => {
    await startLab(page, 'A container is a process; a VM is a machine', ['box', 'vm', 'host']);
    await openStepFromList(page, 'The Docker host can end the container');
    assert.match(await page.locator('.catch-up').innerText(), /Steps 1, 2, 3 are not done yet/);
    await page.locator('.catch-up').screenshot({ path: screenshotPath('catch-up-notice') });
    await skipHere(page, 'Skip to step 4');
    // While it runs, it says which earlier step it is doing (step 2 boots nothing new but
    // writes in the VM: seconds, not milliseconds, so the status is there to see).
    const status = page.getByRole('status').filter({ hasText: /Skipping to step 4: (starting|doing step \d of 3)/ });
    await status.waitFor({ timeout: 10_000 });
    await page.locator('.step-content').screenshot({ path: screenshotPath('catch-up-running') });

    await page.locator('.catch-up').waitFor({ state: 'detached', timeout: 180_000 });
    assert.equal(await currentStepTitle(page), 'The Docker host can end the container');
    assert.match(await page.locator('.step-kicker').innerText(), /step 4 of 6/i);
    assert.deepEqual((await stepMarks(page)).map(([, passed]) => passed), [true, true, true, false, false, false]);
    assert.equal(await page.locator('.step-link[aria-current="step"]').getAttribute('title'), 'The Docker host can end the container');
    assert.match(await page.locator('.step-count').innerText(), /^3\/6$/);
    await page.screenshot({ path: screenshotPath('catch-up-shared-kernel-step-4') });

    // Saved as the player saves it: a reload resumes here.
    const saved = JSON.parse(readFileSync(join(app.dataDir!, 'progress', 'shared-kernel.json'), 'utf8')) as { currentStep: string; passed: string[] };
    assert.equal(saved.currentStep, 'kill-from-host');
    assert.deepEqual([...saved.passed].sort(), ['compare-kernels', 'find-the-process', 'sleep-4242']);
  });

  test('the environment works: step 4 done by hand uses what step 1 left (the saved PID), and passes', async () => {
    await runBlocks(page);
    await page.locator('.check-result .result.pass').waitFor({ timeout: 60_000 });
    assert.deepEqual(await axeViolations(page), []);
  });

  test('stopping from the UI removes everything; no console errors', async () => {
    const session = await sessionId(page);
    await stopLabViaUi(page);
    const { docker } = await connectEngine();
    assert.deepEqual(await labelled(docker, session), nothing);
    assert.deepEqual(app.problems, []);
  });
});

describe('skip past a step whose solution fails', { skip, timeout: 300_000 }, () => {
  let app: AppPage;
  let page: Page;
  before(async () => { app = await openAppApart('catch-up-fails'); page = app.page; });
  after(() => closeApp(app));

  test('lands on that step, with its check\'s message', async () => {
    await openFolderAndStart(page, fixture('catch-up-lab'), 'Catch-up lab (test fixture)', 'box');
    await openStepFromList(page, 'The end');
    await skipHere(page, 'Skip to step 6');
    const alert = page.getByRole('alert').filter({ hasText: 'Skipping stopped at this step' });
    await alert.waitFor({ timeout: 60_000 });
    assert.match(await alert.innerText(), /\/tmp\/answer does not say yes/);
    assert.match(await page.locator('.step-kicker').innerText(), /step 5 of 6/i);
    assert.equal(await currentStepTitle(page), 'Say yes');
    assert.deepEqual((await stepMarks(page)).map(([, passed]) => passed), [true, true, true, true, false, false]);
    await page.screenshot({ path: screenshotPath('catch-up-stopped-at-failing-step') });
    const session = await sessionId(page);
    await stopLabViaUi(page);
    assert.deepEqual(await labelled((await connectEngine()).docker, session), nothing);
    assert.deepEqual(app.problems, []);
  });
});
