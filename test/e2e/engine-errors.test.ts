// Engine errors in words in a real browser against a real engine (test/fixtures/labs/question-lab,
// opened as a folder): the learner's container stopped behind the player's back, "Open a new
// shell" says which machine is not running and how to start it again, never "(HTTP code 409)",
// and so does a reload (not a spinner that never ends); once it runs again, "Open a new shell"
// opens one and the stale sentence is gone.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { connectEngine } from '../../electron/engine/machines/docker-engine.js';
import { fixture, labelled, nothing } from '../integration/support.js';
import {
  closeApp, openAppApart, openFolderAndStart, prerequisites, screenshotPath, sessionId, stopLabViaUi, waitForTerminal, type AppPage,
} from './support.js';

const skip = await prerequisites();
const TITLE = 'Question lab (test fixture)';

describe('engine errors in words in the browser', { skip, timeout: 600_000 }, () => {
  let app: AppPage | undefined;
  let page: Page;
  let problems: string[];
  let docker: Docker;
  let container: string;
  const banner = () => page.locator('#pane-box .pane-banner');
  const newShell = () => page.locator('#pane-box').getByRole('button', { name: 'Open a new shell' });
  const sentence = () => `machine "box" is not running: start it again (docker start ${container}) or Start over.`;
  const RAW = /HTTP code|\b409\b|stopped\/paused|Container [0-9a-f]{6,}/;

  before(async () => {
    docker = (await connectEngine()).docker;
    app = await openAppApart('errors');
    ({ page, problems } = app);
  });
  after(async () => {
    await closeApp(app);
  });

  test('the lab opens from its folder and starts', async () => {
    await openFolderAndStart(page, fixture('question-lab'), TITLE, 'box');
    container = `lv-${await sessionId(page)}-box`;
  });

  test('"Open a new shell" on a stopped container shows a sentence with what to do, not an HTTP code', async () => {
    await docker.getContainer(container).stop({ t: 0 });
    await newShell().waitFor({ timeout: 30_000 }); // the shell it had ended with the container
    await newShell().click();
    await banner().getByText(`Could not open a shell: ${sentence()}`).waitFor({ timeout: 30_000 });
    assert.doesNotMatch(await banner().innerText(), RAW);
    await page.screenshot({ path: screenshotPath('engine-error-stopped-container') });
  });

  test('a reload while it is stopped shows the sentence where the terminal would be, not a spinner', async () => {
    await page.reload();
    const pane = page.locator('#pane-box .pane-message.error');
    await pane.getByText(`Could not open a shell: ${sentence()}`).waitFor({ timeout: 30_000 });
    assert.doesNotMatch(await pane.innerText(), RAW);
  });

  test('started again, "Open a new shell" opens one and the stale sentence is gone', async () => {
    await docker.getContainer(container).start();
    await newShell().click();
    await page.locator('#pane-box .pane-message.error').waitFor({ state: 'detached', timeout: 30_000 });
    assert.equal(await banner().count(), 0);
    await waitForTerminal(page, 'box', /[#$]\s*$/m, 60_000);
    assert.equal(await page.locator('#pane-box').getByText(/not running/).count(), 0);
  });

  test('stopped from the UI, nothing is left; no console errors', async () => {
    const id = container.replace(/^lv-|-box$/g, '');
    await stopLabViaUi(page);
    assert.deepEqual(await labelled(docker, id), nothing);
    assert.deepEqual(problems, []);
  });
});
