// "Open lab folder…" in a real browser against `labvisor serve`: a lab that asks for more than the
// safe default (a shell on the learner's computer) shows the trust dialog with each reason at its lab.yaml position;
// refused, it stays in the catalog as "Needs trust" and nothing runs, and its Start asks again. A
// lab within the safe default opens without a question; a broken lab.yaml shows the lint error
// with its line and adds nothing. Axe on the dialogs, a screenshot of the trust dialog.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFile, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Docker from 'dockerode';
import type { Page } from 'playwright-core';
import { engineOrSkip, fixture } from '../integration/support.js';
import { Client } from '../integration/ws-client.js';
import { axeViolations, closeApp, openApp, prerequisites, screenshotPath, type AppPage } from './support.js';

const skip = await prerequisites();

/**
 * A lab in `dir/id` with one step and a container (and a shell on the learner's computer, which needs trust,
 * when `host`); `difficulty` breaks it when it is not a real one.
 */
async function writeLab(dir: string, id: string, { difficulty = 'beginner', host = false } = {}): Promise<string> {
  const lab = join(dir, id);
  await mkdir(join(lab, 'steps'), { recursive: true });
  await writeFile(join(lab, 'steps', 'look.md'), '# Look around\n');
  await writeFile(join(lab, 'lab.yaml'), [
    `id: ${id}`,
    `title: ${id} (e2e)`,
    'summary: One container and nothing beyond the safe default.',
    'duration: 5',
    `difficulty: ${difficulty}`,
    'tags: [test]',
    'machines:',
    '  - { name: box, kind: container, image: labvisor/base }',
    ...(host ? ['  - { name: shell, kind: learner-computer }'] : []),
    'steps:',
    '  - id: look',
    '    title: Look around',
    '    markdown: steps/look.md',
    '    failsFirst: false',
    '    check:',
    '      - { machine: box, script: "true" }',
    '    solve:',
    '      - { machine: box, script: "true" }',
    '',
  ].join('\n'));
  return lab;
}

describe('open lab folder', { skip }, () => {
  let app: AppPage;
  let page: Page;
  let docker: Docker;
  let temp: string;
  const trustMe = fixture('trust-me');
  const trustDialog = () => page.getByRole('dialog', { name: 'Do you trust this lab?' });
  const pathDialog = () => page.getByRole('dialog', { name: 'Open lab folder' });
  const card = (title: string) => page.locator('.lab-card', { has: page.getByRole('heading', { name: title }) });
  const focusedText = () => page.evaluate(() => document.activeElement?.textContent?.trim() ?? '');

  /** What of this lab runs: the host's sessions, and Docker containers labelled with the lab. */
  async function running(lab: string): Promise<{ sessions: string[]; containers: string[] }> {
    const url = new URL(app.served.url);
    const port = Number(url.port);
    const client = await Client.open({ child: app.served.child, url, port, token: url.hash.slice('#token='.length), origin: `http://127.0.0.1:${port}` });
    try {
      const answer = await client.call('listSessions', {});
      assert.ok(answer.ok, JSON.stringify(answer));
      const sessions = (answer.result as { sessions: Array<{ id: string; lab: string }> }).sessions.filter((s) => s.lab === lab).map((s) => s.id);
      const containers = (await docker.listContainers({ all: true, filters: { label: [`io.labvisor.lab=${lab}`] } })).map((c) => c.Names[0]!);
      return { sessions, containers };
    } finally {
      client.ws.close();
    }
  }

  async function openByPath(path: string): Promise<void> {
    await page.getByRole('button', { name: 'Open lab folder…' }).click();
    await pathDialog().getByRole('textbox', { name: 'Path of the lab folder' }).fill(path);
    await page.keyboard.press('Enter');
  }

  before(async () => {
    temp = await mkdtemp(join(tmpdir(), 'labvisor-open-folder-'));
    docker = (await engineOrSkip()).docker!;
    app = await openApp();
    page = app.page;
    await page.locator('.lab-card').first().waitFor();
  });
  after(async () => {
    await closeApp(app);
    await rm(temp, { recursive: true, force: true });
  });

  test('a lab that needs trust: the dialog lists each reason at its lab.yaml position, "Don\'t trust" focused', async () => {
    await openByPath(trustMe);
    const dialog = trustDialog();
    await dialog.waitFor();
    const text = await dialog.innerText();
    assert.match(text, /kind: learner-computer/);
    assert.match(text, /lab\.yaml:\d+:\d+/);
    assert.ok(text.includes(trustMe), text);
    assert.match(text, /A lab is code: it runs what it declares on your Docker engine\. Trust it only if you trust its author\./);
    assert.equal(await dialog.getAttribute('aria-modal'), 'true');
    assert.equal(await focusedText(), "Don't trust");
    // The where of each reason is monospace.
    assert.match(await dialog.locator('.trust-where').first().evaluate((e) => getComputedStyle(e).fontFamily), /mono/i);
    await page.screenshot({ path: screenshotPath('trust-dialog') });
    assert.deepEqual(await axeViolations(page), []);
  });

  test('"Don\'t trust": the lab is in the catalog as "Needs trust" and nothing runs', async () => {
    await trustDialog().getByRole('button', { name: "Don't trust" }).click();
    await trustDialog().waitFor({ state: 'hidden' });
    const trustCard = card('A lab with a shell on your computer');
    await trustCard.waitFor();
    assert.match(await trustCard.innerText(), /Folder/);
    assert.match(await trustCard.innerText(), /Needs trust/);
    assert.equal(await focusedText(), 'Open lab', 'the opened lab is focused');
    await page.screenshot({ path: screenshotPath('catalog-needs-trust') });
    assert.deepEqual(await running('trust-me'), { sessions: [], containers: [] });
  });

  test('its Start asks again, and Escape refuses: still nothing runs', async () => {
    await page.getByRole('button', { name: 'Open lab: A lab with a shell on your computer' }).click();
    await page.getByRole('button', { name: 'Start lab' }).click();
    await trustDialog().waitFor();
    await page.keyboard.press('Escape');
    await trustDialog().waitFor({ state: 'hidden' });
    const refused = page.locator('.start-panel .error-box');
    await refused.waitFor();
    assert.match(await refused.innerText(), /Not started: you did not trust this lab/);
    await page.screenshot({ path: screenshotPath('start-trust-refused') });
    assert.deepEqual(await running('trust-me'), { sessions: [], containers: [] });
    await page.getByRole('link', { name: 'Labs', exact: true }).click();
    await page.locator('.lab-card').first().waitFor();
  });

  test('a lab within the safe default opens without a question, focused', async () => {
    const tiny = await writeLab(temp, 'tiny-lab');
    await openByPath(tiny);
    const tinyCard = card('tiny-lab (e2e)');
    await tinyCard.waitFor();
    assert.equal(await trustDialog().count(), 0);
    assert.equal(await pathDialog().count(), 0);
    assert.match(await tinyCard.innerText(), /Folder/);
    assert.doesNotMatch(await tinyCard.innerText(), /Needs trust/);
    await page.waitForFunction(() => document.activeElement?.closest('.lab-card')?.textContent?.includes('tiny-lab (e2e)'));
  });

  test('"Trust and open" of a folder changed since: shown again, then trusted and opened', async () => {
    const lab = await writeLab(temp, 'host-lab', { host: true });
    await openByPath(lab);
    const dialog = trustDialog();
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /machine "shell" is a shell on your computer[\s\S]*lab\.yaml:9:\d+/);
    // Edited after the review: trusting the hash shown is a conflict, and the dialog shows the lab as it is now.
    await appendFile(join(lab, 'lab.yaml'), '# edited\n');
    await dialog.getByRole('button', { name: 'Trust and open' }).click();
    await dialog.getByRole('alert').waitFor();
    assert.match(await dialog.getByRole('alert').innerText(), /changed .* since you reviewed it/);
    await dialog.getByRole('button', { name: 'Trust and open' }).click();
    await dialog.waitFor({ state: 'hidden' });
    const hostCard = card('host-lab (e2e)');
    await hostCard.waitFor();
    assert.match(await hostCard.innerText(), /Folder/);
    assert.doesNotMatch(await hostCard.innerText(), /Needs trust/);
    assert.deepEqual(await running('host-lab'), { sessions: [], containers: [] }, 'trusting opens the lab; it does not start it');
  });

  test('a broken lab.yaml: the error with its line, nothing added', async () => {
    const broken = await writeLab(temp, 'broken-lab', { difficulty: 'impossible' });
    const cards = await page.locator('.lab-card').count();
    await openByPath(broken);
    const error = pathDialog().getByRole('alert');
    await error.waitFor();
    const text = await error.innerText();
    assert.match(text, /lab\.yaml:5:\d+: difficulty: expected one of/);
    assert.match(await pathDialog().locator('.lint-output').evaluate((e) => getComputedStyle(e).fontFamily), /mono/i);
    assert.deepEqual(await axeViolations(page), []);
    await page.screenshot({ path: screenshotPath('open-folder-lint-error') });
    await page.keyboard.press('Escape');
    await pathDialog().waitFor({ state: 'hidden' });
    assert.equal(await focusedText(), 'Open lab folder…', 'focus goes back to the button');
    await page.reload();
    await page.locator('.lab-card').first().waitFor();
    await card('tiny-lab (e2e)').waitFor();
    assert.equal(await page.locator('.lab-card').count(), cards);
  });

  test('O opens the path dialog, the help lists it, and Remove takes an opened folder off the catalog', async () => {
    await page.locator('body').press('o');
    await pathDialog().waitFor();
    await page.keyboard.press('Escape');
    await pathDialog().waitFor({ state: 'hidden' });
    await page.keyboard.press('?');
    assert.match(await page.getByRole('dialog', { name: 'Keyboard shortcuts' }).innerText(), /Open a lab folder/);
    await page.screenshot({ path: screenshotPath('help-with-open-folder') });
    await page.keyboard.press('Escape');
    await page.getByRole('button', { name: 'Remove from the catalog: tiny-lab (e2e)' }).click();
    await card('tiny-lab (e2e)').waitFor({ state: 'detached' });
    assert.match(await page.locator('.catalog-notice').innerText(), /Removed .*its folder is untouched/);
  });

  test('a folder dropped in a browser: a note that the browser hides its path, and the path dialog', async () => {
    await page.locator('main.catalog').evaluate((main) => {
      const data = new DataTransfer();
      data.items.add(new File([''], 'dropped-lab'));
      main.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
      main.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));
    });
    const dialog = pathDialog();
    await dialog.waitFor();
    assert.match(await dialog.innerText(), /browser hides where a dropped folder is[\s\S]*dropped-lab/);
    assert.equal(await dialog.getByRole('textbox').inputValue(), '');
    await page.keyboard.press('Escape');
  });

  test('no console errors and no CSP violations', () => {
    assert.deepEqual(app.problems, []);
  });
});
