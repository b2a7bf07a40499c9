// The lenses in a real browser against a real engine. shared-kernel: the process lens shows the
// container's init at the host PID Docker reports and the VM as one QEMU process with a guest
// count; the kernel lens puts the container with the host and the VM on its own; the footprint
// lens draws both machines' start phases and a memory chart that grows while it is open.
// volume-backup: the image lens lists the lab image's layers, the volume lens the records and
// the backups in the lab's other volume (the container export stays in the Docker host view's
// work folder, which is no volume: the lens lists it nowhere). Lenses open from the lab bar, from
// L and from `lens:` links in steps; axe runs on an open lens; each lab is stopped from the UI.
// The labs' host machine is the Docker host view (kind docker-host).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Page } from 'playwright-core';
import { connectEngine } from '../../electron/engine/machines/docker-engine.js';
import { labelled } from '../integration/support.js';
import {
  axeViolations, checkUntilPassed, closeApp, nextStep, openApp, prerequisites, runBlocks, screenshotPath,
  sessionId, startLab, stopLabViaUi, type AppPage
} from './support.js';

const run = promisify(execFile);
const skipVm = await prerequisites({ qemu: true });
const skip = await prerequisites();

/** A browser on a fresh `labvisor serve`, closed (and every lab stopped) after the suite. */
function browserSession(): { page: () => Page; problems: () => string[] } {
  let page: Page;
  let problems: string[];
  let app: AppPage;
  before(async () => { app = await openApp(); ({ page, problems } = app); });
  after(() => closeApp(app));
  return { page: () => page, problems: () => problems };
}

const lensTab = (page: Page, name: string) => page.locator('#lens-panel').getByRole('tab', { name });

async function stopAndCheckNothingLeft(page: Page): Promise<void> {
  const session = await sessionId(page);
  await stopLabViaUi(page);
  const { docker } = await connectEngine();
  const left = await labelled(docker, session);
  assert.deepEqual(left.containers, []);
}

describe('lenses on shared-kernel', { skip: skipVm, timeout: 900_000 }, () => {
  const b = browserSession();
  let session = '';

  test('starts the lab; the lenses open from the lab bar on the process lens', async () => {
    const page = b.page();
    await startLab(page, 'A container is a process; a VM is a machine', ['box', 'vm', 'host']);
    session = await sessionId(page);
    await page.getByRole('button', { name: 'Lenses' }).click();
    await page.locator('#lens-panel').waitFor();
    assert.equal(await lensTab(page, 'Processes').getAttribute('aria-selected'), 'true');
  });

  test('process lens: the container group shows the init PID Docker reports; the VM is one QEMU process and a guest count', async () => {
    const page = b.page();
    const { stdout } = await run('docker', ['inspect', '-f', '{{.State.Pid}}', `lv-${session}-box`]);
    const hostPid = Number(stdout.trim());
    assert.ok(hostPid > 1);
    const init = page.locator('tbody[data-owner="box"] [data-init-pid]');
    await init.waitFor({ timeout: 30_000 });
    assert.equal(Number(await init.getAttribute('data-init-pid')), hostPid);
    // Its row: that host PID, PID 1 inside the container.
    const row = page.locator(`tbody[data-owner="box"] tr[data-pid="${hostPid}"]`);
    assert.equal((await row.locator('td').nth(1).innerText()).trim(), '1');

    const vm = page.locator('tbody[data-owner="vm"]');
    await vm.locator('[data-guest-processes]').waitFor({ timeout: 30_000 });
    assert.equal(await vm.locator('tr.proc-row').count(), 1);
    assert.match(await vm.locator('tr.proc-row .command').innerText(), /qemu-system/);
    assert.ok(Number(await vm.locator('[data-guest-processes]').getAttribute('data-guest-processes')) > 1);

    // Highlight the container's init: its row, its group and the box terminal tab light up,
    // with the host PID ↔ namespace PID pair above the table.
    await init.click();
    await page.locator(`.pid-pair[data-pid="${hostPid}"]`).waitFor();
    assert.deepEqual((await page.locator('.pid-pair .pair-value').allInnerTexts()).map((t) => t.trim()), [String(hostPid), '1']);
    assert.equal(await page.locator('tbody[data-owner="box"].lit').count(), 1);
    assert.equal(await page.locator(`tr.lit-row[data-pid="${hostPid}"]`).count(), 1);
    assert.equal(await page.locator('#tab-box[data-lens-highlight]').count(), 1);

    // Live: a process started in the container appears within a few refreshes.
    await page.getByRole('tab', { name: /^box/ }).click();
    await page.locator('.terminal-view[data-machine="box"]').click();
    await page.keyboard.type('sleep 4343 &\n');
    await page.locator('tbody[data-owner="box"] tr.proc-row', { hasText: 'sleep 4343' }).waitFor({ timeout: 10_000 });

    // The filter keeps matching rows only.
    await page.getByRole('searchbox', { name: 'Filter processes' }).fill('4343');
    await page.waitForFunction(() => [...document.querySelectorAll('tr.proc-row .command')].every((c) => c.textContent?.includes('4343')));
    assert.ok(await page.locator('tr.proc-row').count() >= 1);
    await page.screenshot({ path: screenshotPath('lens-processes-filtered') });
    await page.getByRole('searchbox', { name: 'Filter processes' }).fill('');
    await page.screenshot({ path: screenshotPath('lens-processes') });
    assert.deepEqual(await axeViolations(page), []);
  });

  test('kernel lens: the container shares the host kernel, the VM has its own', async () => {
    const page = b.page();
    await lensTab(page, 'Kernels').click();
    const shared = page.locator('[data-group="shared"]');
    const own = page.locator('[data-group="own"]');
    await shared.locator('tr[data-machine="box"]').waitFor({ timeout: 30_000 });
    await own.locator('tr[data-machine="vm"]').waitFor({ timeout: 30_000 });
    assert.equal(await shared.locator('tr[data-machine="vm"]').count(), 0);
    assert.equal(await own.locator('tr[data-machine="box"]').count(), 0);
    const kernelOf = (g: typeof shared, m: string) => g.locator(`tr[data-machine="${m}"] td`).first().innerText();
    assert.equal(await kernelOf(shared, 'box'), await kernelOf(shared, 'host'));
    assert.notEqual(await kernelOf(own, 'vm'), '—');
    // The highlight carries over: box is still the machine pointed at.
    assert.equal(await shared.locator('tr.lit-row[data-machine="box"]').count(), 1);
    await page.screenshot({ path: screenshotPath('lens-kernels') });
  });

  test('footprint lens: phases for box and vm, and a memory chart that gathers samples', async () => {
    const page = b.page();
    await lensTab(page, 'Footprint').click();
    const current = page.locator(`.footprint-run[data-run="${session}"]`);
    await current.locator('.phase-row[data-machine="box"]').waitFor({ timeout: 30_000 });
    await current.locator('.phase-row[data-machine="vm"]').waitFor();
    assert.match(await current.locator('.phase-row[data-machine="vm"] .phase-list').innerText(), /kernel started/);
    assert.match(await current.locator('.phase-row[data-machine="box"] .phase-list').innerText(), /running/);
    // Each refresh (2 s) takes a sample.
    await page.waitForFunction((s) => Number(document.querySelector(`.footprint-run[data-run="${s}"] .memory-chart`)?.getAttribute('data-samples')) >= 3, session, { timeout: 30_000 });
    assert.ok(await current.locator('.memory-chart .series-1 circle, .memory-chart .series-0 circle').count() >= 2);
    await page.screenshot({ path: screenshotPath('lens-footprint') });
  });

  test('lens: links in steps open their lens; Esc closes the lenses, L opens them again', async () => {
    const page = b.page();
    await nextStep(page);
    await page.locator('[data-lens-link="kernels"]').click();
    assert.equal(await lensTab(page, 'Kernels').getAttribute('aria-selected'), 'true');
    await nextStep(page);
    await page.locator('[data-lens-link="processes"]').click();
    assert.equal(await lensTab(page, 'Processes').getAttribute('aria-selected'), 'true');

    await lensTab(page, 'Processes').focus();
    await page.keyboard.press('Escape');
    await page.locator('#lens-panel').waitFor({ state: 'detached' });
    assert.equal(await page.evaluate(() => document.activeElement?.textContent?.trim()), 'Lenses');
    await page.keyboard.press('l');
    await page.locator('#lens-panel').waitFor();
    // Presenter mode keeps the lens readable: photographed for a look.
    await page.keyboard.press('p');
    await page.locator('tbody[data-owner="vm"] [data-guest-processes]').waitFor({ timeout: 30_000 });
    await page.screenshot({ path: screenshotPath('lens-processes-presenter') });
    await page.keyboard.press('p');
  });

  test('stopping from the UI closes the lenses and removes everything', async () => {
    const page = b.page();
    await stopAndCheckNothingLeft(page);
    assert.equal(await page.locator('#lens-panel').count(), 0);
    assert.deepEqual(b.problems(), []);
  });
});

describe('lenses on volume-backup', { skip, timeout: 900_000 }, () => {
  const b = browserSession();

  test('image lens: the lab image and its layers', async () => {
    const page = b.page();
    await startLab(page, 'Back up the volume, not the container', ['app', 'host']);
    await page.getByRole('button', { name: 'Lenses' }).click();
    await lensTab(page, 'Images').click();
    const select = page.getByRole('combobox', { name: /^Image/ });
    await select.waitFor({ timeout: 30_000 });
    assert.match(await select.inputValue(), /^labvisor\/lab-volume-backup-app:/);
    const layers = page.locator('.layer-table tbody tr');
    assert.ok(await layers.count() >= 3);
    assert.match(await page.locator('.layer-table').innerText(), /COPY .* in \/usr\/local\/bin\/record/);
    await page.screenshot({ path: screenshotPath('lens-images') });
  });

  test('volume lens: records.txt in the volume; the volume backup in the backups volume holds all of it', async () => {
    const page = b.page();
    assert.equal(await runBlocks(page), 3);
    await checkUntilPassed(page);
    await nextStep(page);
    await runBlocks(page);
    await checkUntilPassed(page);
    await page.locator('[data-lens-link="volumes"]').click();
    assert.equal(await lensTab(page, 'Volumes').getAttribute('aria-selected'), 'true');
    await page.locator('.file-table tr[data-path="records.txt"]').waitFor({ timeout: 30_000 });
    // container.tar is in the Docker host view's work folder, not in a volume: no backup of records.
    assert.equal(await page.locator('tr[data-backup]').count(), 0);

    await nextStep(page);
    await runBlocks(page);
    await checkUntilPassed(page);
    const backup = page.locator('tr[data-backup="backups/records.tar.gz"]');
    await backup.waitFor({ timeout: 30_000 });
    assert.match(await backup.innerText(), /holds 1 of the volume's 1 file/);
    await page.screenshot({ path: screenshotPath('lens-volumes') });
    assert.deepEqual(await axeViolations(page), []);
  });

  test('stopping from the UI removes everything', async () => {
    await stopAndCheckNothingLeft(b.page());
    assert.deepEqual(b.problems(), []);
  });
});
