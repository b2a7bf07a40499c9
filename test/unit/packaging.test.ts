// The desktop packages, as far as they can be checked without Electron's binary (which cannot be
// downloaded here; docs/packaging.md): build/electron-builder.yml is valid for the installed
// electron-builder and names the four packages, asarUnpack (through electron-builder's own
// matcher) takes node-pty's native files out of the asar, and the afterPack hook makes
// spawn-helper executable in fake packed trees, or fails when node-pty is missing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse } from 'yaml';
// electron-builder's own library (its dependency, same version): the schema check and the matcher it packs with.
import { validateConfiguration } from 'app-builder-lib/out/util/config/config.js';
import { getFileMatchers } from 'app-builder-lib/out/fileMatcher.js';
import type { Configuration } from 'app-builder-lib';
import { packageRoot } from '../../electron/engine/paths.js';

const root = packageRoot();
const config = parse(readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8')) as Configuration;

type AfterPack = (context: { appOutDir: string; electronPlatformName: string; packager: { appInfo: { productFilename: string } } }) => Promise<void>;
const hook = (): Promise<{ afterPack: AfterPack }> => import(pathToFileURL(join(root, 'build', 'after-pack.mjs')).href);

test('electron-builder accepts build/electron-builder.yml', async () => {
  await validateConfiguration(structuredClone(config), { isEnabled: false, add: () => undefined } as never);
});

test('the config builds AppImage and deb, dmg, and nsis, with its hook and icon in place', () => {
  const targets = (platform: unknown): unknown[] => [platform].flat().map((t) => (typeof t === 'object' && t !== null && 'target' in t ? t.target : t));
  assert.deepEqual(targets(config.linux?.target), ['AppImage', 'deb']);
  assert.deepEqual(targets(config.mac?.target), ['dmg']);
  assert.deepEqual(targets(config.win?.target), ['nsis']);
  assert.equal(config.nsis?.oneClick, false);
  assert.equal(typeof config.afterPack, 'string');
  assert.ok(existsSync(join(root, config.afterPack as string)), 'afterPack file');
  const png = readFileSync(join(root, config.icon as string));
  assert.equal(png.subarray(1, 4).toString('ascii'), 'PNG');
  const [width, height] = [png.readUInt32BE(16), png.readUInt32BE(20)];
  assert.ok(width === height && width >= 512, `icon is ${width}×${height}; electron-builder needs a square of 512 or more`);
});

/** Every file under dir, recursively. */
function walk(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(dir, e.name)) : [join(dir, e.name)]));
}

test("asarUnpack takes node-pty's native files out of the asar and leaves its JavaScript in", () => {
  const [matcher] = getFileMatchers(config, 'asarUnpack', join(root, 'out'), {
    macroExpander: (s) => s, customBuildOptions: {}, globalOutDir: join(root, 'release'), defaultSrc: root,
  }) ?? [];
  assert.ok(matcher, 'asarUnpack is set');
  const filter = matcher.createFilter();
  const unpacked = (file: string): boolean => filter(file, statSync(file)) === true;
  const nodePty = join(root, 'node_modules', 'node-pty');
  // The places node-pty's loader looks for its addon; if an upgrade moves them, the globs must follow.
  const loader = readFileSync(join(nodePty, 'lib', 'utils.js'), 'utf8');
  assert.match(loader, /'build\/Release'.*"prebuilds\/" \+ process\.platform/);
  // third_party/ is build input (copied into build/Release when node-pty is compiled on Windows).
  const native = walk(nodePty)
    .map((file) => relative(nodePty, file).split('\\').join('/'))
    .filter((file) => !file.startsWith('third_party/') && /(\.node|\.dll|\.exe|\/spawn-helper)$/.test(file));
  for (const expected of ['build/Release/pty.node', 'prebuilds/darwin-arm64/spawn-helper', 'prebuilds/darwin-x64/pty.node', 'prebuilds/win32-x64/conpty/conpty.dll', 'prebuilds/win32-x64/winpty-agent.exe']) {
    assert.ok(native.includes(expected), `node-pty ${expected}`);
  }
  for (const file of native) assert.ok(unpacked(join(nodePty, file)), `unpacked: node-pty/${file}`);
  for (const file of ['lib/index.js', 'lib/unixTerminal.js', 'package.json']) assert.ok(!unpacked(join(nodePty, file)), `packed: node-pty/${file}`);
  assert.ok(unpacked(join(root, 'build', 'guest', 'init')), 'the guest kit is unpacked');
});

/** A packed app's unpacked node-pty as electron-builder lays it out, with files at mode 0644. */
function fakeApp(platform: 'linux' | 'darwin' | 'win32', files: string[]): { appOutDir: string; nodePty: string } {
  const appOutDir = mkdtempSync(join(tmpdir(), `labvisor-pack-${platform}-`));
  const resources = platform === 'darwin' ? join(appOutDir, 'Labvisor.app', 'Contents', 'Resources') : join(appOutDir, 'resources');
  const nodePty = join(resources, 'app.asar.unpacked', 'node_modules', 'node-pty');
  mkdirSync(nodePty, { recursive: true });
  for (const file of files) {
    mkdirSync(dirname(join(nodePty, file)), { recursive: true });
    writeFileSync(join(nodePty, file), '');
    chmodSync(join(nodePty, file), 0o644);
  }
  return { appOutDir, nodePty };
}

const context = (appOutDir: string, electronPlatformName: string) => ({ appOutDir, electronPlatformName, packager: { appInfo: { productFilename: 'Labvisor' } } });
const mode = (file: string): number => statSync(file).mode & 0o777;

test('afterPack makes every spawn-helper executable in a macOS and a Linux app', { skip: process.platform === 'win32' && 'no execute bits on Windows' }, async () => {
  const { afterPack } = await hook();
  const helpers = ['prebuilds/darwin-arm64/spawn-helper', 'prebuilds/darwin-x64/spawn-helper'];
  for (const [platform, addon] of [['darwin', 'prebuilds/darwin-arm64/pty.node'], ['linux', 'build/Release/pty.node']] as const) {
    const { appOutDir, nodePty } = fakeApp(platform, [...helpers, addon]);
    try {
      await afterPack(context(appOutDir, platform));
      for (const helper of helpers) assert.equal(mode(join(nodePty, helper)), 0o755, `${platform} ${helper}`);
      assert.equal(mode(join(nodePty, addon)), 0o644, 'the addon is left as it was');
    } finally {
      rmSync(appOutDir, { recursive: true, force: true });
    }
  }
});

test('afterPack accepts Linux and Windows apps without spawn-helper, but not a macOS one', async () => {
  const { afterPack } = await hook();
  for (const [platform, ok] of [['linux', true], ['win32', true], ['darwin', false]] as const) {
    const { appOutDir } = fakeApp(platform, ['build/Release/pty.node']);
    try {
      const run = afterPack(context(appOutDir, platform));
      if (ok) await run;
      else await assert.rejects(run, /no spawn-helper/);
    } finally {
      rmSync(appOutDir, { recursive: true, force: true });
    }
  }
});

test('afterPack fails loudly when node-pty was not unpacked', async () => {
  const { afterPack } = await hook();
  for (const platform of ['linux', 'darwin', 'win32']) {
    const appOutDir = mkdtempSync(join(tmpdir(), 'labvisor-pack-empty-'));
    try {
      await assert.rejects(afterPack(context(appOutDir, platform)), /node-pty is missing|no terminals/, platform);
    } finally {
      rmSync(appOutDir, { recursive: true, force: true });
    }
  }
});
