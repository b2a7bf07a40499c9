// The vms-host-containers lab in a real browser, done with Run and Check (a challenge step with
// its solution): a container built by hand inside a VM, seen from the Docker host view (a
// terminal tab like the others, named as the Docker host), every step passing through the UI,
// then stopped from the UI with nothing left.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { connectEngine } from '../../electron/engine/machines/docker-engine.js';
import { labelled, root } from '../integration/support.js';
import {
  checkUntilPassed, closeApp, nextStep, openApp, prerequisites, runBlocks,
  screenshotPath, sessionId, startLab, stopLabViaUi, type AppPage,
} from './support.js';

const skip = await prerequisites({ qemu: true });
const lab = parse(await readFile(join(root, 'labs', 'vms-host-containers', 'lab.yaml'), 'utf8')) as {
  title: string; machines: { name: string }[]; steps: { title: string; check?: unknown }[];
};

describe('vms-host-containers in the browser', { skip, timeout: 900_000 }, () => {
  let page: Page;
  let problems: string[];
  let app: AppPage;
  before(async () => { app = await openApp(); ({ page, problems } = app); });
  after(() => closeApp(app));

  test('starts its machines; the Docker host is a terminal tab like the others', async () => {
    await startLab(page, lab.title, lab.machines.map((m) => m.name));
    const tab = page.getByRole('tab', { name: /^host/ });
    assert.match(await tab.innerText(), /Docker host/i); // the tab's kind is styled in capitals
    await page.screenshot({ path: screenshotPath('docker-host-tab') });
  });

  for (const [i, step] of lab.steps.entries()) {
    if (!step.check) continue;
    // A challenge step has no block that writes its answer: the learner works it out, here its solution.
    const challenge = step.title.startsWith('Challenge:');
    test(`step ${i + 1}, ${step.title}: ${challenge ? 'its solution' : 'Run'}, then Check passes`, async () => {
      if (challenge) {
        await page.getByRole('button', { name: 'Show solution' }).click();
        await page.locator('.solution [data-run]').first().click();
      } else {
        await runBlocks(page);
      }
      await checkUntilPassed(page, 120_000);
      await nextStep(page);
    });
  }

  test('stopping from the UI removes everything', async () => {
    const session = await sessionId(page);
    await stopLabViaUi(page);
    const { docker } = await connectEngine();
    assert.deepEqual((await labelled(docker, session)).containers, []);
    assert.deepEqual(problems, []);
  });
});
