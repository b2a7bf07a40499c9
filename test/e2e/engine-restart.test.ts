// Issue 17, item 1 in Chromium: the Docker daemon restarts under an open lab. The player says
// "The Docker engine stopped — waiting for it…" (an alert), then that the engine is back and
// the lab's machines stopped, with "Start again", which brings the lab back; nothing of the old
// session is left on the engine. The daemon restart and its figures with a VM:
// test/integration/reliability-engine-restart.test.ts. Run alone: `flock -x /tmp/lv-engine.lock …`.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { engineOrSkip, labelled, nothing } from '../integration/support.js';
import { ensureEngine, restartableEngine, stopEngine } from '../integration/restart-engine.js';
import { closeApp, openAppApart, prerequisites, screenshotPath, sessionId, startLab, stopLabViaUi, waitForTerminal, type AppPage } from './support.js';

const skip = await (async () => {
  const missing = await prerequisites();
  if (missing) return missing;
  const why = await restartableEngine();
  if (why && process.env.CI) throw new Error(`the engine-restart test must restart dockerd in CI: ${why}`);
  return why;
})();

describe('the Docker engine restarts under an open lab', { skip, timeout: 600_000 }, () => {
  let app: AppPage;
  before(async () => { app = await openAppApart('engine-restart'); });
  after(async () => {
    await ensureEngine();
    await closeApp(app);
  });

  test('the player says so, then offers Start again, which brings the lab back; nothing of the old session left', async () => {
    const { page } = app;
    const docker = (await engineOrSkip()).docker as Docker;
    await startLab(page, 'First steps: images, containers, exec, logs', ['host']);
    const old = await sessionId(page);
    try {
      await stopEngine();
      await page.getByRole('alert', { name: 'The Docker engine stopped — waiting for it…' }).waitFor({ timeout: 30_000 });
      await page.locator('.step-content').screenshot({ path: screenshotPath('engine-down') });
    } finally {
      await ensureEngine();
    }
    const back = page.getByRole('alert').filter({ hasText: 'The Docker engine is back' });
    await back.waitFor({ timeout: 120_000 });
    assert.deepEqual(await labelled(docker, old), nothing, 'the old session\'s leftovers are removed');
    await page.locator('.step-content').screenshot({ path: screenshotPath('engine-back') });
    await back.getByRole('button', { name: 'Start again' }).click();
    await page.locator('.terminal-panel').waitFor({ timeout: 300_000 });
    await waitForTerminal(page, 'host', /[#$]\s*$/m, 120_000);
    assert.notEqual(await sessionId(page), old);
    await back.waitFor({ state: 'detached' });
    await stopLabViaUi(page);
  });
});
