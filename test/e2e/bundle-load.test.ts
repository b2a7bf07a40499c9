// "Load workshop bundle…" in a real browser against `labvisor serve` and a real engine: a bundle
// made by `labvisor bundle create` (a bundled lab and a lab folder) loads with its progress shown,
// says what it brought, and puts the folder lab in the catalog; a tampered copy is refused with
// the failing digest, and a relative path is refused before anything is read. Axe on the dialog.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdtemp, open, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { cli, fixture } from '../integration/support.js';
import { axeViolations, closeApp, openAppApart, prerequisites, screenshotPath, type AppPage } from './support.js';

const skip = await prerequisites();

describe('load workshop bundle', { skip }, () => {
  let app: AppPage;
  let page: Page;
  let temp: string;
  let bundle: string;
  const dialog = () => page.getByRole('dialog', { name: 'Load workshop bundle' });

  before(async () => {
    temp = await mkdtemp(join(tmpdir(), 'labvisor-e2e-bundle-'));
    bundle = join(temp, 'workshop.tar');
    const made = await cli(['bundle', 'create', bundle, '--labs', 'first-steps', fixture('keyboard-lab')]);
    assert.equal(made.code, 0, made.stderr);
    app = await openAppApart('bundle');
    page = app.page;
    await page.getByRole('heading', { name: 'Labs', level: 1 }).waitFor();
  });

  after(async () => {
    await closeApp(app);
    await rm(temp, { recursive: true, force: true });
  });

  async function loadByPath(path: string): Promise<void> {
    await page.keyboard.press('b');
    await dialog().getByRole('textbox', { name: 'Path of the bundle file' }).fill(path);
    await dialog().getByRole('button', { name: 'Load' }).click();
  }

  test('a relative path is refused before anything is read', async () => {
    await loadByPath('workshop.tar');
    await dialog().getByRole('alert').getByText('is not an absolute path').waitFor();
    await dialog().getByRole('button', { name: 'Cancel' }).click();
    await dialog().waitFor({ state: 'detached' });
  });

  test('a tampered bundle is refused with the digest that failed, and adds no lab', async () => {
    const tampered = join(temp, 'tampered.tar');
    await copyFile(bundle, tampered);
    const { size } = await stat(tampered);
    const file = await open(tampered, 'r+');
    try {
      // The middle of the file is inside the image payload, by far its largest part.
      const at = Math.floor(size / 2);
      const byte = Buffer.alloc(1);
      await file.read(byte, 0, 1, at);
      byte[0] = byte[0]! ^ 0xff;
      await file.write(byte, 0, 1, at);
    } finally {
      await file.close();
    }
    await loadByPath(tampered);
    const alert = dialog().getByRole('alert');
    await alert.waitFor({ timeout: 120_000 });
    assert.match(await alert.innerText(), /digest|sha256/i);
    assert.equal(await page.locator('.lab-card', { hasText: 'Keyboard lab (test fixture)' }).count(), 0, 'a refused bundle adds no lab');
    await page.keyboard.press('Escape');
    await dialog().waitFor({ state: 'detached' });
  });

  test('a bundle loads with its progress and brings its labs into the catalog', async () => {
    await loadByPath(bundle);
    await dialog().getByRole('status').filter({ hasText: /Checking its digests|Loading images|Adding its labs|Reading the bundle/ }).first().waitFor();
    const loaded = dialog().getByText('Loaded.');
    await loaded.waitFor({ timeout: 300_000 });
    const text = await dialog().innerText();
    assert.match(text, /2 labs/);
    assert.match(text, /first-steps/);
    assert.match(text, /keyboard-lab/);
    assert.match(text, /linux\/(amd64|arm64)/);
    assert.deepEqual(await axeViolations(page, '.bundle-dialog'), []);
    await page.screenshot({ path: screenshotPath('bundle-loaded') });
    await dialog().getByRole('button', { name: 'Done' }).click();
    await dialog().waitFor({ state: 'detached' });
    await page.locator('.lab-card', { hasText: 'Keyboard lab (test fixture)' }).waitFor();
    await page.getByRole('status').filter({ hasText: 'Workshop bundle loaded: 2 labs' }).waitFor();
    assert.deepEqual(app.problems, []);
  });
});
