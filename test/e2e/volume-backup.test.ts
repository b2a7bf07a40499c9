// The volume-backup lab done as a learner does it, in a real browser against a real engine:
// only Run and Check, asserting on what the terminals show. The host terminal is the Docker host
// view; the backup goes to the lab's second volume, where the volume lens finds it. Midway, a
// reload must bring back the step and the terminals with their scrollback. Then the split view's
// screenshot, axe on the player, and the lab stopped from the UI with nothing left behind.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { connectEngine } from '../../electron/engine/machines/docker-engine.js';
import { labelled } from '../integration/support.js';
import {
  axeViolations, checkUntilPassed, closeApp, currentStepTitle, nextStep, openApp, prerequisites, runBlocks,
  screenshotPath, sessionId, startLab, terminalText, waitForTerminal, type AppPage
} from './support.js';

const skip = await prerequisites();

describe('volume-backup in the browser', { skip, timeout: 900_000 }, () => {
  let page: Page;
  let problems: string[];

  let app: AppPage;
  before(async () => { app = await openApp(); ({ page, problems } = app); });
  after(() => closeApp(app));

  const next = () => nextStep(page);

  test('starts with a progress view, then a terminal per machine', async () => {
    await startLab(page, 'Back up the volume, not the container', ['app', 'host']);
    assert.equal(await currentStepTitle(page), 'Store some records');
  });

  test('a failed check stays on a polled step, through its polls, and moves no step text', async () => {
    const title = page.locator('.markdown h1').first();
    const before = await title.boundingBox();
    // Before any check, the box's room is kept (empty).
    assert.ok((await page.locator('.check-result').boundingBox())!.height >= 60);
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    const fail = page.locator('.check-result .result.fail');
    await fail.waitFor({ timeout: 30_000 });
    assert.match(await fail.innerText(), /Not yet\./);
    assert.deepEqual(await title.boundingBox(), before, 'the step text stays where it was');
    const box = await page.locator('.check-result').boundingBox();
    // The step checks itself every 3 s: three failing polls later the learner still reads why, and nothing moved.
    await page.waitForTimeout(10_000);
    assert.match(await fail.innerText(), /Not yet\./);
    assert.deepEqual(await title.boundingBox(), before);
    assert.deepEqual(await page.locator('.check-result').boundingBox(), box, 'the box neither collapsed nor grew');
    // The step with its result (the whole page is checked after step 3; here the app's fresh
    // terminal still shows dim text that axe finds too faint, a matter of the terminal theme).
    assert.deepEqual(await axeViolations(page, '.step-pane'), []);
  });

  test('step 1: Run stores records in the app; the check passes', async () => {
    assert.equal(await runBlocks(page), 3);
    await waitForTerminal(page, 'app', /order 3: two teas/);
    await checkUntilPassed(page);
    await page.getByRole('tab', { name: /host/ }).click();
    await waitForTerminal(page, 'host', /volume: +lv-[a-z0-9]{8}-records/);
    // The Docker host view says where it runs, and its prompt says which machine it is.
    assert.match(await terminalText(page, 'host'), /This shell runs on the Docker host/);
    assert.match(await terminalText(page, 'host'), /\[Docker host\] \/lab #/);
    await next();
  });

  test('step 2: docker export misses the data', async () => {
    assert.equal(await currentStepTitle(page), 'Back up the container? Look inside');
    await runBlocks(page);
    await checkUntilPassed(page);
    // A few hundred names from the image (wc -l), an empty data/, and no records.txt (grep -c: 0).
    const text = await waitForTerminal(page, 'host', /^\s*0\s*$/m);
    assert.match(text, /container\.tar/);
    // Blocks are typed while earlier ones still run: find wc's line by its shape, a number alone.
    const count = /^\s*(\d{3,})\s*$/m.exec(text);
    assert.ok(count && Number(count[1]) >= 100, `the export's entry count: ${count?.[1]}; the terminal shows:\n${text}`);
    assert.match(text, /^data\/\s*$/m);
    await next();
  });

  test('a reload restores the step and re-attaches the terminals with their scrollback', async () => {
    const before = await terminalText(page, 'host');
    assert.match(before, /docker (export|diff)/);
    await page.reload();
    await page.locator('.terminal-panel').waitFor({ timeout: 30_000 });
    assert.equal(await currentStepTitle(page), 'Back up the volume with a throwaway container');
    await page.getByRole('tab', { name: /host/ }).click();
    await waitForTerminal(page, 'host', /docker diff/, 30_000);
    await page.getByRole('tab', { name: /app/ }).click();
    await waitForTerminal(page, 'app', /order 3: two teas/, 30_000);
    assert.equal(await page.locator('.step-link.passed').count(), 2);
  });

  test('step 3: a throwaway container backs the volume up; checksums match', async () => {
    await runBlocks(page);
    await checkUntilPassed(page);
    const text = await waitForTerminal(page, 'host', /([0-9a-f]{64}) +-[\s\S]*\1 +-/);
    assert.match(text, /^\.\/records\.txt\s*$/m, 'tar -tzf lists the backup');
    // The volume lens finds the backup in the lab's other volume, holding every file of records.
    await page.locator('[data-lens-link="volumes"]').click();
    const backup = page.locator('tr[data-backup="backups/records.tar.gz"]');
    await backup.waitFor({ timeout: 30_000 });
    assert.match(await backup.innerText(), /holds 1 of the volume's 1 file/);
    await page.screenshot({ path: screenshotPath('volume-backup-lens') });
    await page.getByRole('button', { name: 'Close the lenses' }).click();
    await page.getByRole('button', { name: 'Split view' }).click();
    await page.locator('.terminal-panel.split .terminal-pane:not(.hidden)').nth(1).waitFor();
    await page.screenshot({ path: screenshotPath('lab-split-view') });
    assert.deepEqual(await axeViolations(page), []);
    await next();
  });

  test('step 4: the container and the volume are lost', async () => {
    await runBlocks(page);
    await checkUntilPassed(page);
    // Only the backups volume is left.
    const text = await waitForTerminal(page, 'host', /DRIVER +VOLUME NAME\s+local +lv-[a-z0-9]{8}-backups/);
    assert.doesNotMatch(text.slice(text.lastIndexOf('DRIVER')), /-records/);
    await next();
  });

  test('steps 5 and 6: the restore, a challenge done with its solution; a new container serves every record', async () => {
    assert.equal(await currentStepTitle(page), 'Challenge: restore into a fresh volume');
    // The step's blocks only look and compare: the restore is the learner's, here its solution's.
    await page.getByRole('button', { name: 'Show solution' }).click();
    await page.locator('.solution [data-run]').first().click();
    await checkUntilPassed(page);
    await runBlocks(page);
    await waitForTerminal(page, 'host', /^same\s*$/m);
    await next();
    await runBlocks(page);
    await checkUntilPassed(page);
    await waitForTerminal(page, 'host', /order 1: three coffees[\s\S]*order 3: two teas/);
    await next();
    assert.equal(await currentStepTitle(page), 'What you learned');
    await next();
    await page.getByText('Lab complete.').waitFor();
    assert.equal(await page.locator('.step-link.passed').count(), 7);
  });

  test('Reset lab: the checked steps lose their ✓, Run marks go, and Check on an earlier step fails', async () => {
    await page.getByRole('button', { name: 'Reset lab' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Reset lab' }).click();
    // Only the step without a check ("What you learned") is still done: its mark never spoke of the machines.
    await page.waitForFunction(() => document.querySelectorAll('.step-link.passed').length === 1, undefined, { timeout: 30_000 });
    await page.locator('.badge', { hasText: /^Running$/ }).waitFor({ timeout: 300_000 });
    await page.locator('.terminal-panel').waitFor({ timeout: 60_000 });
    assert.deepEqual(await page.locator('.step-link.passed .step-title').allInnerTexts(), ['What you learned']);
    await page.locator('.step-link', { hasText: 'Store some records' }).click();
    assert.equal(await currentStepTitle(page), 'Store some records');
    assert.equal(await page.locator('.code-block[data-ran]').count(), 0, 'no Run mark survives the reset');
    await page.getByRole('button', { name: 'Check', exact: true }).click();
    const fail = page.locator('.check-result .result.fail');
    await fail.waitFor({ timeout: 30_000 });
    assert.match(await fail.innerText(), /Not yet\./);
    assert.equal(await page.locator('.check-result .result.pass').count(), 0);
    assert.equal(await page.locator('.step-link.passed', { hasText: 'Store some records' }).count(), 0);
    // The saved progress says the same: a reload shows the same marks.
    await page.reload();
    await page.locator('.terminal-panel').waitFor({ timeout: 30_000 });
    assert.deepEqual(await page.locator('.step-link.passed .step-title').allInnerTexts(), ['What you learned']);
    // Back to the end, for the learning path's offer.
    await page.locator('.step-link', { hasText: 'What you learned' }).click();
    await page.getByRole('button', { name: 'Finish' }).click();
    await page.getByText('Lab complete.').waitFor();
  });

  test('the finished lab offers the next lab on the learning path: following it stops this one, everything removed, and opens it', async () => {
    const session = await sessionId(page);
    await page.getByText('Next on the learning path: “Image layers: history, the build cache and secrets”').waitFor();
    await page.getByRole('button', { name: 'Stop this lab and start the next →' }).click();
    await page.waitForURL(/#\/lab\/image-layers$/, { timeout: 120_000 });
    await page.locator('.lab-title', { hasText: 'Image layers: history, the build cache and secrets' }).waitFor();
    await page.locator('.start-panel button:not([disabled])', { hasText: 'Start lab' }).waitFor();
    const { docker } = await connectEngine();
    const left = await labelled(docker, session);
    assert.deepEqual(left.containers, []);
    assert.deepEqual(left.volumes, []);
    assert.deepEqual(problems, []);
  });
});
