// A lab done with the keyboard alone, in a real browser against a real engine
// (test/fixtures/labs/keyboard-lab, opened as a folder): no click anywhere. The focus goes where
// the learner works next after each action (the opened lab's Start, the terminal once it runs, the
// step after Next, the ways out at the end); F6 and Shift+F6 leave the terminal, as in VS Code;
// Esc closes the lenses; the help names the way out. Afterwards the lab left nothing on the engine.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { engineOrSkip, fixture, labelled, nothing } from '../integration/support.js';
import { closeApp, currentStepTitle, openAppApart, prerequisites, screenshotPath, sessionId, waitForTerminal, type AppPage } from './support.js';

const skip = await prerequisites();
const TITLE = 'Keyboard lab (test fixture)';

/** What has the focus: the element's tag, classes, label and text, for assertions and failure messages. */
function focused(page: Page): Promise<string> {
  return page.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return 'body';
    return `${a.tagName.toLowerCase()}.${[...a.classList].join('.')} [${a.getAttribute('aria-label') ?? ''}] ${(a.textContent ?? '').trim().slice(0, 40)}`;
  });
}

/** Waits until the focused element matches `selector`, else fails saying where the focus is. */
async function focusOn(page: Page, selector: string, what: string, timeoutMs = 10_000): Promise<void> {
  try {
    await page.waitForFunction((s) => document.activeElement?.matches(s) === true, selector, { timeout: timeoutMs });
  } catch {
    assert.fail(`the focus should be on ${what} (${selector}), but it is on ${await focused(page)}`);
  }
}

describe('a lab with the keyboard alone', { skip, timeout: 600_000 }, () => {
  let app: AppPage | undefined;
  let page: Page;
  let problems: string[];
  let session = '';

  before(async () => {
    app = await openAppApart('keyboard');
    ({ page, problems } = app);
  });
  after(async () => {
    await closeApp(app);
  });

  test('the lab opens from its folder and starts, and the focus follows', async () => {
    await page.locator('.lab-card').first().waitFor();
    await page.keyboard.press('o');
    await focusOn(page, 'input.path-input', 'the folder path');
    await page.keyboard.type(fixture('keyboard-lab'));
    await page.keyboard.press('Enter');
    await focusOn(page, `button[aria-label="Open lab: ${TITLE}"]`, 'the opened lab');
    await page.keyboard.press('Enter');
    await focusOn(page, '.start-panel [data-start]', 'Start lab');
    await page.keyboard.press('Enter');
    await focusOn(page, '.terminal-pane.active .xterm-helper-textarea', "box's terminal", 300_000);
    await waitForTerminal(page, 'box', /[#$]\s*$/m);
    session = await sessionId(page);
  });

  test('a command typed in the terminal, F6 out of it, C checks the step', async () => {
    await page.keyboard.type('touch /tmp/mark\n');
    await waitForTerminal(page, 'box', /touch \/tmp\/mark\s*\n.*[#$]\s*$/m);
    // F6 goes on to the next part (no lenses open: round to the lab bar); Shift+F6 goes back.
    await page.keyboard.press('F6');
    await focusOn(page, '.lab-bar button', 'the lab bar');
    await page.keyboard.press('Shift+F6');
    await focusOn(page, '.terminal-pane.active .xterm-helper-textarea', "box's terminal");
    await page.keyboard.press('Shift+F6');
    await focusOn(page, '.step-content', 'the step');
    // F6 did not reach the shell: its prompt line holds no escape sequence.
    assert.doesNotMatch(await waitForTerminal(page, 'box', /[#$]\s*$/m), /\[17~|~$/m);
    await page.keyboard.press('c');
    await page.locator('.check-result .result.pass').waitFor({ timeout: 60_000 });
  });

  test('L opens the lenses and Esc closes them, back to their button', async () => {
    await page.keyboard.press('l');
    await page.locator('#lens-panel').waitFor();
    await focusOn(page, '.step-content', 'the step, still');
    await page.keyboard.press('Escape');
    await page.locator('#lens-panel').waitFor({ state: 'detached' });
    await focusOn(page, '.lab-bar button[aria-expanded="false"]', 'the Lenses button');
  });

  test('J goes to the question, answered with Tab, arrows and Enter', async () => {
    await page.keyboard.press('j');
    await page.waitForFunction(() => document.querySelector('.markdown h1')?.textContent === 'Whose kernel?');
    await focusOn(page, '.step-content', 'the new step');
    await page.keyboard.press('Tab');
    await focusOn(page, 'input[type="radio"]', 'the first choice');
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Tab');
    await focusOn(page, 'button[type="submit"]', 'the answer button');
    await page.keyboard.press('Enter');
    await page.locator('.check-result .result.pass').waitFor({ timeout: 30_000 });
  });

  test('the help names the way out of a terminal', async () => {
    await page.keyboard.press('?');
    const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await help.waitFor();
    assert.match(await help.innerText(), /F6[\s\S]*way out of a terminal/);
    await page.keyboard.press('Escape');
    await help.waitFor({ state: 'detached' });
  });

  test('the last step finishes with N, and Enter stops the lab and goes back', async () => {
    await page.keyboard.press('j');
    await page.waitForFunction(() => document.querySelector('.markdown h1')?.textContent === 'Done');
    assert.equal(await currentStepTitle(page), 'Done');
    await page.keyboard.press('n');
    await focusOn(page, '[data-finished-action]', 'the first way out of the finished lab');
    assert.match(await focused(page), /Stop the lab and go back/);
    await page.screenshot({ path: screenshotPath('keyboard-finished') });
    await page.keyboard.press('Enter');
    await page.locator('.lab-card').first().waitFor({ timeout: 120_000 });
    const { docker } = await engineOrSkip();
    assert.deepEqual(await labelled(docker!, session), nothing);
    assert.deepEqual(problems, []);
  });
});
