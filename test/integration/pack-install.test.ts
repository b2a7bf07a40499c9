// The learner's install, without a clone: the tarball `npm pack` makes (here from the suite's build; a plain
// `npm pack` builds first, through `prepare`), installed globally into a fresh prefix with no devDependencies and no Electron binary, runs
// doctor, a lab and the browser app from a folder that is not the package's, and writes nothing
// into the installed package.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { cli, engineOrSkip, fakeUrlOpener, firstStdoutLine, labelled, nothing, root, startCli } from './support.js';

const run = promisify(execFile);
const engine = await engineOrSkip();

// Electron is no dependency of the package; should it become one, the install fails the check
// below instead of downloading its 100 MB binary first.
const npmEnv = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };

/** Every file of the installed package but its dependencies, to see that running it wrote none. */
const ownFiles = (dir: string) =>
  readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => !f.startsWith('node_modules')).sort();

test('the packed tarball installs globally and every command runs from elsewhere', { skip: engine.skip, timeout: 10 * 60_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'labvisor-pack-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const prefix = join(dir, 'prefix');

  // What the suite built is what ships: packing without scripts does not rebuild dist/ under the running tests.
  await run('npm', ['pack', '--ignore-scripts', '--pack-destination', dir], { cwd: root, env: npmEnv, maxBuffer: 64 << 20 });
  const tarball = readdirSync(dir).find((f) => f.endsWith('.tgz'));
  assert.ok(tarball, 'npm pack made no tarball');
  await run('npm', ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', join(dir, tarball)], { cwd: dir, env: npmEnv, maxBuffer: 64 << 20 });

  const installed = join(prefix, 'lib', 'node_modules', 'labvisor');
  for (const shipped of ['dist/electron/cli/main.js', 'renderer/dist/index.html', 'labs/volume-backup/lab.yaml', 'build/guest/init', 'docs/lab.schema.json']) {
    assert.ok(existsSync(join(installed, shipped)), `the tarball lacks ${shipped}`);
  }
  assert.ok(!existsSync(join(installed, 'dist', 'test')), 'the tarball ships the tests');
  assert.ok(!existsSync(join(installed, 'node_modules', 'electron')), 'a global install pulled in Electron');
  const before = ownFiles(installed);

  const at = { bin: join(prefix, 'bin', 'labvisor'), cwd: tmpdir() };
  const env = { LABVISOR_DATA_DIR: join(dir, 'data') };

  const doctor = await cli(['doctor', '--json'], env, at);
  const report = JSON.parse(doctor.stdout) as { checks: { id: string; status: string; detail: string }[] };
  const check = report.checks.find((c) => c.id === 'engine');
  assert.equal(check?.status, 'ok', `doctor: ${doctor.stdout}${doctor.stderr}`);

  const solved = await cli(['run', 'volume-backup', '--solve', '--json'], env, at);
  assert.equal(solved.code, 0, solved.stderr);
  const result = JSON.parse(solved.stdout) as { ok: boolean; session: string };
  assert.equal(result.ok, true, solved.stdout);
  assert.deepEqual(await labelled(engine.docker!, result.session), nothing, 'the run left its lab behind');

  const opener = fakeUrlOpener(join(dir, 'opener'));
  const server = startCli(['serve', '--port', '0', '--open'], { ...env, ...opener.env }, at);
  try {
    const url = new URL(await firstStdoutLine(server));
    const page = await (await fetch(new URL('/', url))).text();
    assert.match(page, /<script type="module"[^>]* src="\.\/assets\//, 'serve did not find the prebuilt renderer');
    assert.match(await opener.argv(), /#code=/);
  } finally {
    server.kill('SIGTERM');
    await server.result;
  }

  assert.deepEqual(ownFiles(installed), before, 'running Labvisor wrote into its package folder');
});
