// The shared-kernel lab in a real browser: a container and a QEMU microVM from one image, done
// with Run and Check (and the challenge's solution), asserting on what the container's, the
// VM's and the Docker host's terminals show (the host machine is the Docker host view: a helper container on the engine in
// the host's PID namespace, a tab like the others). Presenter mode is checked (and photographed)
// on the way; the lab is stopped from the UI.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { connectEngine } from '../../electron/engine/machines/docker-engine.js';
import { labelled } from '../integration/support.js';
import {
  axeViolations, checkUntilPassed, closeApp, currentStepTitle, nextStep, openApp, prerequisites, runBlocks,
  screenshotPath, sessionId, startLab, stopLabViaUi, terminalText, waitForTerminal, type AppPage
} from './support.js';

const skip = await prerequisites({ qemu: true });

describe('shared-kernel in the browser', { skip, timeout: 900_000 }, () => {
  let page: Page;
  let problems: string[];

  let app: AppPage;
  before(async () => { app = await openApp(); ({ page, problems } = app); });
  after(() => closeApp(app));

  const next = () => nextStep(page);
  const show = (machine: string) => page.getByRole('tab', { name: new RegExp(`^${machine}`) }).click();

  test('starts a container, a VM and a Docker host shell, each a tab', async () => {
    await startLab(page, 'A container is a process; a VM is a machine', ['box', 'vm', 'host']);
    assert.equal(await currentStepTitle(page), "Find the container among the Docker host's processes");
    const kinds = await page.locator('.terminal-tab').evaluateAll((tabs) => tabs.map((t) => [
      t.querySelector('.tab-name')?.textContent, t.querySelector('.tab-kind')?.textContent]));
    assert.deepEqual(kinds, [['box', 'container'], ['vm', 'VM'], ['host', 'Docker host']]);
    // The Docker host's terminal says which machine it is, and its prompt says so too.
    await show('host');
    const text = await waitForTerminal(page, 'host', /\[Docker host\] \/lab # *$/m);
    assert.match(text.replace(/\n/g, ''), /This shell runs on the Docker host/);
    await page.screenshot({ path: screenshotPath('shared-kernel-docker-host-tab') });
  });

  test('step 1: the container is a host process', async () => {
    await runBlocks(page);
    await checkUntilPassed(page);
    await show('box');
    await waitForTerminal(page, 'box', /^\s*1 +(\/sbin\/docker-init|sleep|\S*init)/m);
    await next();
  });

  test('step 2: the container has the host kernel, the VM its own', async () => {
    await runBlocks(page);
    await checkUntilPassed(page);
    await show('box');
    const box = await waitForTerminal(page, 'box', /[0-9a-f-]{36}\s*$/m);
    await show('vm');
    const vm = await waitForTerminal(page, 'vm', /[0-9a-f-]{36}\s*$/m);
    const id = (text: string) => [...text.matchAll(/\b([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\b/g)].at(-1)?.[1];
    assert.ok(id(box) && id(vm));
    assert.notEqual(id(box), id(vm));
    await next();
  });

  test('presenter mode: large fonts, high contrast; N runs the next block', async () => {
    await page.keyboard.press('p');
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('presenter')), true);
    // Step 3 by keyboard alone: N types each block in turn.
    const blocks = await page.locator('.step-content [data-run]').count();
    for (let i = 0; i < blocks; i++) {
      await page.keyboard.press('n');
      await page.waitForTimeout(400);
    }
    assert.equal(await page.locator('.step-content .code-block[data-ran]').count(), blocks);
    await checkUntilPassed(page);
    await show('host');
    await page.screenshot({ path: screenshotPath('presenter-mode') });
    // busybox ps -o pid,user,args in the Docker host view: the container's sleep, as root.
    await waitForTerminal(page, 'host', /^\s*\d+ +root +sleep 4242/m);
    // QEMU runs on the Docker host (in the VM's runner container), so the view lists it on every engine.
    await waitForTerminal(page, 'host', /^\s*\d+ +\d+\S* +qemu-system-/m);
    assert.deepEqual(await axeViolations(page), []);
    // The tab's click put the focus in the host's terminal, where P is a letter for the shell:
    // Shift+F6 leaves it for the step, where P is presenter mode again.
    await page.keyboard.press('Shift+F6');
    await page.keyboard.press('p');
    assert.equal(await page.evaluate(() => document.documentElement.classList.contains('presenter')), false);
    await next();
  });

  test('step 4: the Docker host kills the container; the check ticks by itself', async () => {
    assert.equal(await currentStepTitle(page), 'The Docker host can end the container');
    await runBlocks(page);
    // poll: 3 in lab.yaml: no click needed.
    await page.locator('.check-result .result.pass').waitFor({ timeout: 60_000 });
    assert.match(await terminalText(page, 'host'), /137/);
    await next();
  });

  test('step 5, a challenge: the Docker host ends the VM\'s QEMU (its solution); the vm pane says the VM stopped', async () => {
    assert.equal(await currentStepTitle(page), 'Challenge: end the VM from the Docker host');
    // The step has no block to run: the learner finds QEMU's PID; here its solution does.
    await page.getByRole('button', { name: 'Show solution' }).click();
    await page.locator('.solution [data-run]').first().click();
    await checkUntilPassed(page);
    await show('vm');
    await page.getByText('vm stopped.').waitFor({ timeout: 30_000 });
    await next();
    await next();
    await page.getByText('Lab complete.').waitFor();
  });

  test('stopping from the UI removes everything, QEMU included', async () => {
    const session = await sessionId(page);
    await stopLabViaUi(page);
    const { docker } = await connectEngine();
    assert.deepEqual((await labelled(docker, session)).containers, []);
    assert.deepEqual(problems, []);
  });
});
