// Question steps in a real browser against a real engine (test/fixtures/labs/question-lab, opened
// as a folder): a radio group answered with the keyboard, a typed value read off the terminal as a
// learner reads it, a wrong answer told as wrong (and announced) without the right one, the step
// marked done. Axe on the player, a screenshot, no console errors or CSP violations.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { fixture } from '../integration/support.js';
import {
  axeViolations, closeApp, currentStepTitle, nextStep, openAppApart, openFolderAndStart, prerequisites, screenshotPath, stopLabViaUi,
  waitForTerminal, type AppPage,
} from './support.js';

const skip = await prerequisites();
const TITLE = 'Question lab (test fixture)';

describe('question steps in the browser', { skip, timeout: 600_000 }, () => {
  let app: AppPage | undefined;
  let page: Page;
  let problems: string[];
  const result = () => page.locator('.check-result');

  before(async () => {
    app = await openAppApart('question');
    ({ page, problems } = app);
  });
  after(async () => {
    await closeApp(app);
  });

  test('the lab opens from its folder and starts', async () => {
    await openFolderAndStart(page, fixture('question-lab'), TITLE, 'box');
    assert.equal(await currentStepTitle(page), 'Whose kernel?');
  });

  test('choices: a radio group named by the prompt; a wrong pick is told as wrong, the right one passes, by keyboard', async () => {
    const group = page.getByRole('group', { name: 'Whose kernel does the container box run on?' });
    assert.equal(await group.getByRole('radio').count(), 3);
    const submit = page.getByRole('button', { name: 'Submit' });
    assert.equal(await submit.isDisabled(), true, 'nothing picked yet');
    await group.getByRole('radio', { name: 'Its own kernel, booted when the container started' }).check();
    await submit.click();
    const fail = result().locator('.result.fail');
    await fail.waitFor();
    assert.match(await fail.innerText(), /Not yet\.\s+That is not the answer/);
    assert.doesNotMatch(await result().innerText(), /Docker host/, 'the right choice is not given away');
    assert.equal(await result().getAttribute('aria-live'), 'polite');
    await page.screenshot({ path: screenshotPath('question-choices-wrong') });
    // Keyboard only: the arrow keys move the pick (and not the step), Enter submits.
    await group.getByRole('radio', { name: 'Its own kernel, booted when the container started' }).focus();
    await page.keyboard.press('ArrowDown');
    assert.equal(await group.getByRole('radio', { name: 'The kernel of the Docker host' }).isChecked(), true);
    await page.keyboard.press('Enter');
    await result().locator('.result.pass').waitFor();
    assert.equal(await currentStepTitle(page), 'Whose kernel?');
    await page.locator('.step-link.passed', { hasText: 'Whose kernel?' }).waitFor();
  });

  test('a typed value: the text field is named by the prompt; wrong, then read off the terminal and typed', async () => {
    await nextStep(page);
    assert.equal(await currentStepTitle(page), 'PID 1');
    const field = page.getByRole('textbox', { name: 'What is the command of PID 1 in box?' });
    await field.fill('bash');
    await field.press('Enter');
    await result().locator('.result.fail').waitFor();
    assert.match(await result().innerText(), /That is not the answer/);
    // Look, as a learner does: Run the step's block, read PID 1's command in the terminal.
    await page.locator('.step-content [data-run]').first().click();
    const text = await waitForTerminal(page, 'box', /cat \/proc\/1\/comm\s*\n\s*(\S+)/);
    const seen = /cat \/proc\/1\/comm\s*\n\s*(\S+)/.exec(text)![1]!;
    await field.fill(`  ${seen.toUpperCase()} `);
    await field.press('Enter');
    await result().locator('.result.pass').waitFor();
    assert.match(await result().innerText(), /Step complete/);
    await page.locator('.step-link.passed', { hasText: 'PID 1' }).waitFor();
  });

  test('a number that does not exist yet: the answer cannot be computed, and the learner is told why', async () => {
    await nextStep(page);
    const field = page.getByRole('textbox', { name: 'How many orders are in /tmp/orders?' });
    await field.fill('3');
    await field.press('Enter');
    await result().locator('.result.fail').waitFor();
    assert.match(await result().innerText(), /Could not compute the answer in "box": there is no \/tmp\/orders yet/);
    await page.locator('.step-content [data-run]').first().click();
    await waitForTerminal(page, 'box', /wc -l < \/tmp\/orders\s*\n\s*3\b/);
    await field.fill('3.0');
    await field.press('Enter');
    await result().locator('.result.pass').waitFor();
    await page.screenshot({ path: screenshotPath('question-step') });
    assert.deepEqual(await axeViolations(page), []);
  });

  test('a huge pasted answer is cut to the field\'s limit, never sent whole', async () => {
    const field = page.getByRole('textbox', { name: 'How many orders are in /tmp/orders?' });
    await field.fill('9'.repeat(5000));
    assert.equal((await field.inputValue()).length, 1000);
  });

  test('Start over: no step mark and no Run mark survive, and the machines are made anew', async () => {
    assert.equal(await page.locator('.step-link.passed').count(), 3);
    await page.getByRole('button', { name: 'Start over' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Start over' }).click();
    await page.waitForFunction(() => document.querySelectorAll('.step-link.passed').length === 0, undefined, { timeout: 30_000 });
    await page.locator('.lab-bar .badge', { hasText: /^Running$/ }).waitFor({ timeout: 300_000 });
    await page.locator('.terminal-panel').waitFor({ timeout: 60_000 });
    assert.equal(await currentStepTitle(page), 'Whose kernel?');
    await page.locator('.step-link', { hasText: 'PID 1' }).click();
    assert.equal(await currentStepTitle(page), 'PID 1');
    assert.equal(await page.locator('.step-content .code-block[data-ran]').count(), 0, 'the Run mark of the old machines is gone');
  });

  test('the lab stops from the UI; no console errors and no CSP violations', async () => {
    await stopLabViaUi(page);
    // The start panel tells of no machine as ready: they are gone.
    assert.equal(await page.locator('.start-panel .task').count(), 0);
    assert.deepEqual(problems, []);
  });
});
