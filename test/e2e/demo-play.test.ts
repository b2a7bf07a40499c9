// Presenter mode's "Play in terminal" (issue 16, item 5), in a real browser against a real
// engine, with first-steps. Outside presenter mode a solution has no Play. Stop and Esc halt the
// typing midway; D plays step 2's solution into a worker whose shell had ended (a new one opens
// first); leaving a step stops a play; step 4's solution is typed into the host terminal a
// character at a time (the terminal shows ever longer prefixes of the command, then its output)
// and the step's check passes after it. A screenshot during play lands in test-results/.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import {
  checkUntilPassed, closeApp, currentStepTitle, openAppApart, prerequisites, screenshotPath, startLab, terminalText,
  waitForTerminal, type AppPage
} from './support.js';

const skip = await prerequisites();

const HOST_PROMPT = '/lab # ';

/** What the host terminal shows after its last prompt, its wrapped rows joined: the line being typed. */
async function typedLine(page: Page): Promise<string> {
  const text = (await terminalText(page, 'host')).replace(/\n/g, '');
  const at = text.lastIndexOf(HOST_PROMPT);
  return at < 0 ? '' : text.slice(at + HOST_PROMPT.length).trimEnd();
}

/** Waits until the line being typed in the host terminal is at least `chars` long. */
async function typedAtLeast(page: Page, chars: number): Promise<string> {
  const deadline = Date.now() + 30_000;
  for (let line = ''; Date.now() < deadline; line = await typedLine(page)) {
    if (line.length >= chars) return line;
    await page.waitForTimeout(20);
  }
  throw new Error(`the host terminal never showed ${chars} typed characters; it shows:\n${await terminalText(page, 'host')}`);
}

/** The host line stays as it is for a while: nothing more is typed. */
async function assertHalted(page: Page, what: string): Promise<string> {
  const stopped = await typedLine(page);
  await page.waitForTimeout(1500);
  assert.equal(await typedLine(page), stopped, `${what}: typing went on`);
  return stopped;
}

/** Ctrl+C in the host terminal: the half-typed line is dropped and a new prompt shows. */
async function dropLine(page: Page): Promise<void> {
  await page.locator('.terminal-view[data-machine="host"] .xterm-helper-textarea').focus();
  await page.keyboard.press('Control+c');
  const deadline = Date.now() + 10_000;
  while (await typedLine(page) !== '') {
    if (Date.now() > deadline) throw new Error(`Ctrl+C left a line in the host terminal:\n${await terminalText(page, 'host')}`);
    await page.waitForTimeout(100);
  }
}

describe('presenter mode plays a solution into its terminal', { skip, timeout: 900_000 }, () => {
  let app: AppPage;
  let page: Page;
  let command = '';
  const play = () => page.getByRole('button', { name: 'Play in the terminal of host' });
  const stop = () => page.getByRole('button', { name: 'Stop playing' });

  before(async () => { app = await openAppApart('demo-play'); page = app.page; });
  after(() => closeApp(app));

  test('outside presenter mode a solution has Run, no Play; in presenter mode it has Play too', async () => {
    await startLab(page, 'First steps', ['worker', 'host']);
    assert.equal(await currentStepTitle(page), 'Images, and your first container');
    await page.getByRole('button', { name: 'Show solution' }).click();
    const solution = page.getByRole('region', { name: 'Solution' });
    await solution.getByRole('button', { name: 'Run in host' }).waitFor();
    assert.equal(await solution.locator('[data-play]').count(), 0);
    command = (await solution.locator('pre').innerText()).trim();
    assert.match(command, /^docker run --name "lv-\$LAB_SESSION-hello"/);
    await page.getByRole('button', { name: 'Presenter', exact: true }).click();
    await page.waitForFunction(() => document.documentElement.classList.contains('presenter'));
    await play().waitFor();
  });

  test('Stop, and Esc in the terminal, halt the typing midway; nothing runs', async () => {
    await play().click();
    assert.ok(command.startsWith(await typedAtLeast(page, 6)));
    await stop().click();
    const stopped = await assertHalted(page, 'after Stop');
    assert.ok(stopped.length < command.length && command.startsWith(stopped), `halted at a prefix: "${stopped}"`);
    await play().waitFor();
    await dropLine(page);

    await play().click();
    await typedAtLeast(page, 6);
    // The Esc is the presenter's, even with the focus in the terminal: the shell never gets it.
    await page.locator('.terminal-view[data-machine="host"] .xterm-helper-textarea').focus();
    await page.keyboard.press('Escape');
    const escaped = await assertHalted(page, 'after Esc');
    assert.ok(escaped.length < command.length && command.startsWith(escaped), `halted at a prefix: "${escaped}"`);
    await dropLine(page);
    // Neither half-typed line ran: each ended with Ctrl+C.
    assert.equal((await terminalText(page, 'host')).match(/\^C\s*$/gm)?.length, 2);
  });

  test('D plays the next step\'s solution; a worker whose shell ended gets a new one first', async () => {
    await page.getByRole('button', { name: /Next step/ }).click();
    await page.waitForFunction(() => document.querySelector('.markdown h1')?.textContent === 'Run a command inside a running container');
    await page.getByRole('tab', { name: /^worker/ }).click();
    await page.locator('.terminal-view[data-machine="worker"] .xterm-helper-textarea').focus();
    await page.keyboard.type('exit\n');
    await page.locator('#pane-worker .pane-banner', { hasText: 'This terminal ended' }).waitFor({ timeout: 30_000 });
    await page.locator('.step-kicker').click();
    await page.keyboard.press('d');
    // D showed the solution and plays its block into a new shell on the worker.
    await page.getByRole('button', { name: 'Stop playing' }).waitFor();
    await page.locator('#pane-worker .pane-banner').waitFor({ state: 'detached', timeout: 30_000 });
    await waitForTerminal(page, 'worker', /echo "visited by \$\(whoami\) at \$\(date \+%T\)" > \/tmp\/visitor\.txt/, 30_000);
    await page.getByRole('button', { name: 'Play in the terminal of worker' }).waitFor();
    await checkUntilPassed(page);
  });

  test('leaving the step stops a play', async () => {
    await page.getByRole('button', { name: /Next step/ }).click();
    await page.waitForFunction(() => document.querySelector('.markdown h1')?.textContent === 'Read what the container logs');
    await page.locator('.step-kicker').click();
    await page.keyboard.press('d');
    await typedAtLeast(page, 6);
    await page.keyboard.press('k');
    await page.waitForFunction(() => document.querySelector('.markdown h1')?.textContent === 'Run a command inside a running container');
    const halted = await assertHalted(page, 'after leaving the step');
    assert.ok(halted.length > 0 && halted.length < 40, `halted midway: "${halted}"`);
    await dropLine(page);
  });

  test('Play brings the terminal forward and types the command a character at a time; it runs and the check passes', async () => {
    // Step 4, whose solution prints what it did (the stopped container's name).
    await page.locator('.step-link', { hasText: 'Stop the container' }).click();
    await page.waitForFunction(() => document.querySelector('.markdown h1')?.textContent === 'Stop the container');
    await page.getByRole('button', { name: 'Show solution' }).click();
    command = (await page.getByRole('region', { name: 'Solution' }).locator('pre').innerText()).trim();
    assert.equal(command, 'docker stop "$LAB_MACHINE_WORKER"');
    // Another machine's terminal in front: playing brings the host's forward, as its tab does.
    await page.getByRole('tab', { name: /^worker/ }).click();
    await play().click();
    await page.locator('.code-block[data-playing] .demo-status', { hasText: 'Playing…' }).waitFor();
    assert.equal(await page.getByRole('tab', { name: /^host/ }).getAttribute('aria-selected'), 'true');
    const seen: string[] = [];
    let shot = false;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const line = await typedLine(page);
      // Typed to its end (after Enter its output follows on the next rows, joined here).
      if (line.startsWith(command)) {
        seen.push(command);
        break;
      }
      if (line && line !== seen.at(-1)) seen.push(line);
      if (!shot && line.length > command.length / 2) {
        // For a look: presenter mode during play must be readable on a projector.
        await page.screenshot({ path: screenshotPath('demo-play-presenter') });
        shot = true;
      }
    }
    for (const [i, line] of seen.entries()) {
      assert.ok(command.startsWith(line), `typed state ${i} is a prefix of the command: "${line}"`);
      if (i > 0) assert.ok(line.length > seen[i - 1]!.length, `each state longer than the one before: ${JSON.stringify(seen)}`);
    }
    assert.equal(seen.at(-1), command, `typed to its end: ${JSON.stringify(seen)}`);
    const partial = seen.filter((l) => l.length < command.length);
    assert.ok(partial.length >= 3, `at least 3 partial states, saw ${partial.length}: ${JSON.stringify(seen)}`);
    await waitForTerminal(page, 'host', /^lv-[a-z0-9]{8}-worker\s*$/m);
    await play().waitFor();
    assert.equal(await page.locator('.solution .code-block[data-ran]').count(), 1, 'a played block is marked as run');
    await checkUntilPassed(page);
  });

  test('the page logged no errors', () => {
    assert.deepEqual(app.problems, []);
  });
});
