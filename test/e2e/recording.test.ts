// A recording made and played back in a real browser against a real engine: Record in the lab
// bar of volume-backup, a command typed into the app's terminal, a step moved (a marker), Stop
// recording, then the recording opened from the lab bar and played in the app's player: the
// played terminal shows the command; a marker jumps there; Save .cast gives the asciicast file.
// A second recording ends with the lab's stop; the catalog's Recordings page lists both.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { closeApp, currentStepTitle, nextStep, openAppApart, prerequisites, screenshotPath, startLab, stopLabViaUi, waitForTerminal, axeViolations, type AppPage } from './support.js';

const skip = await prerequisites();
const escaped = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The rows the player's terminal shows now (xterm's DOM renderer). */
async function playedText(page: Page): Promise<string> {
  const rows = await page.locator('.cast-screen .xterm-rows > div').allTextContents();
  return rows.join('\n').replace(/\u00a0/g, ' ');
}

async function waitForPlayed(page: Page, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = await playedText(page);
    if (pattern.test(text)) return text;
    await page.waitForTimeout(200);
  }
  throw new Error(`the played terminal never showed ${pattern}; it shows:\n${text}`);
}

describe('recording a lab and playing it back in the browser', { skip, timeout: 600_000 }, () => {
  let app: AppPage;
  let page: Page;
  let firstStep: string;
  let secondStep: string;

  before(async () => {
    app = await openAppApart('recording');
    page = app.page;
  });
  after(() => closeApp(app));

  test('Record, type a command, move a step, stop: the lab bar offers the recording', async () => {
    await startLab(page, 'Back up the volume, not the container', ['app', 'host']);
    firstStep = await currentStepTitle(page);
    await page.getByRole('tab', { name: /^app/ }).click();

    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await page.locator('.lab-bar .recording-badge', { hasText: 'Recording' }).waitFor();
    assert.equal(await page.getByRole('button', { name: 'Stop recording' }).getAttribute('aria-pressed'), 'true');

    await page.locator('.terminal-view[data-machine="app"] .xterm-helper-textarea').focus();
    await page.keyboard.type('echo played-back-$((6*7))');
    await page.keyboard.press('Enter');
    await waitForTerminal(page, 'app', /^played-back-42\s*$/m);
    await page.screenshot({ path: screenshotPath('recording-lab-bar') });

    await page.waitForTimeout(3_000); // the recording goes on: something to play at 1× below
    await nextStep(page);
    secondStep = await currentStepTitle(page);
    assert.notEqual(secondStep, firstStep);
    await page.waitForTimeout(500); // the marker's request on its way
    await page.getByRole('button', { name: 'Stop recording' }).click();
    await page.getByRole('link', { name: 'Open recording' }).waitFor();
    assert.equal(await page.locator('.lab-bar .recording-badge').count(), 0, 'no badge once stopped');
  });

  test('the recording plays back: the played terminal shows the command, markers jump, Save .cast saves it', async () => {
    await page.getByRole('link', { name: 'Open recording' }).click();
    await page.getByRole('region', { name: 'Recording player' }).waitFor();
    assert.match(await page.locator('h1').innerText(), /volume-backup/);
    await page.getByRole('group', { name: 'Terminal' }).getByRole('button', { name: 'app' }).click();
    const steps = page.getByRole('list', { name: /^Steps/ });
    await steps.waitFor();
    assert.deepEqual((await steps.locator('li').allInnerTexts()).map((t) => t.replace(/^\d+:\d\d\s*/, '')), [firstStep, secondStep]);

    assert.doesNotMatch(await playedText(page), /played-back-42/, 'nothing played yet');
    await page.getByRole('button', { name: '4×' }).click();
    assert.equal(await page.getByRole('button', { name: '4×' }).getAttribute('aria-pressed'), 'true');
    await page.getByRole('button', { name: 'Play', exact: true }).click();
    const played = await waitForPlayed(page, /^played-back-42\s*$/m);
    assert.match(played, /echo played-back-\$\(\(6\*7\)\)/, 'the command as typed, then its output');
    await page.getByRole('button', { name: 'Play again' }).waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('recording-played') });

    // Back to the first marker: the screen as it was when the recording began (before the command).
    await page.getByRole('button', { name: new RegExp(`^\\d+:\\d\\d ${escaped(firstStep)}$`) }).click();
    assert.doesNotMatch(await playedText(page), /played-back-42/);
    await page.getByRole('button', { name: new RegExp(`^\\d+:\\d\\d ${escaped(secondStep)}$`) }).click();
    await waitForPlayed(page, /^played-back-42\s*$/m, 5_000);
    // Keyboard, on the player's screen: 1 for 1×, Space plays and pauses.
    await page.getByRole('button', { name: new RegExp(`^\\d+:\\d\\d ${escaped(firstStep)}$`) }).click();
    await page.locator('.cast-screen').click();
    await page.keyboard.press('1');
    assert.equal(await page.getByRole('button', { name: '1×' }).getAttribute('aria-pressed'), 'true');
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Pause' }).waitFor({ timeout: 2_000 });
    await page.keyboard.press('Space');
    await page.getByRole('button', { name: 'Play', exact: true }).waitFor({ timeout: 2_000 });

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Save .cast' }).click()]);
    assert.match(download.suggestedFilename(), /^volume-backup-[a-z0-9]{8}-\d{8}T\d{6}Z-app\.cast$/);
    const cast = readFileSync((await download.path())!, 'utf8').trimEnd().split('\n');
    assert.equal((JSON.parse(cast[0]!) as { version: number }).version, 2);
    assert.ok(cast.slice(1).some((l) => /played-back-42/.test(l)));

    assert.deepEqual(await axeViolations(page, '.cast-player'), []);
    assert.deepEqual(app.problems, []);
  });

  test('stopping the lab stops its recording; the lab bar still links to it', async () => {
    await page.evaluate(() => { location.hash = '#/lab/volume-backup'; });
    await page.getByRole('button', { name: 'Record', exact: true }).click();
    await page.locator('.lab-bar .recording-badge').waitFor();
    await stopLabViaUi(page);
    assert.equal(await page.locator('.lab-bar .recording-badge').count(), 0);
    await page.getByRole('link', { name: 'Open recording' }).waitFor();
  });

  test('the catalog links to the recordings, which list them', async () => {
    await page.getByRole('link', { name: 'Labs', exact: true }).click();
    await page.getByRole('link', { name: 'Recordings' }).click();
    await page.getByRole('heading', { name: 'Recordings' }).waitFor();
    assert.equal(await page.getByRole('link', { name: /^Play the recording of volume-backup/ }).count(), 2);
    assert.equal(await page.locator('.recording-table .recording-badge').count(), 0, 'none still recording');
    await page.screenshot({ path: screenshotPath('recordings-list') });
  });
});
