// The parts of the Electron shell that do not need Electron: which URLs are ours or may leave
// the app, the window's webPreferences, the app:// CSP, the fuses of the packaged app, and how
// `labvisor start` finds the Electron binary without triggering its download.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../electron/engine/paths.js';
import { APP_ENTRY_URL, isAppUrl, isExternalHttpUrl, permissionAllowed } from '../../electron/main/app-origin.js';
import { APP_CSP, appHeaders } from '../../electron/main/app-headers.js';
import { windowWebPreferences } from '../../electron/main/web-preferences.js';
import { fuseProblems, REQUIRED_FUSES } from '../../electron/main/fuses.js';
import { electronBinary } from '../../electron/cli/commands/start.js';

test('only app://labvisor URLs are the app', () => {
  assert.ok(isAppUrl(APP_ENTRY_URL));
  assert.ok(isAppUrl('app://labvisor/labs/volume-backup?step=2#top'));
  for (const url of ['app://evil/index.html', 'app://labvisor.evil/', 'file:///index.html', 'http://labvisor/', 'https://127.0.0.1/', 'about:blank', 'devtools://devtools/', 'labvisor', '']) {
    assert.ok(!isAppUrl(url), url);
  }
});

test('only http(s) URLs with a host go to the system browser', () => {
  assert.ok(isExternalHttpUrl('https://docs.docker.com/storage/volumes/'));
  assert.ok(isExternalHttpUrl('http://example.org'));
  for (const url of ['file:///etc/passwd', 'app://labvisor/', 'javascript:alert(1)', 'mailto:a@b.c', 'smb://host/share', 'ms-settings:', 'https:', 'not a url']) {
    assert.ok(!isExternalHttpUrl(url), url);
  }
});

test('permissions: only our page, only the clipboard', () => {
  assert.ok(permissionAllowed('clipboard-sanitized-write', 'app://labvisor'));
  assert.ok(permissionAllowed('clipboard-read', 'app://labvisor/index.html'));
  assert.ok(!permissionAllowed('clipboard-read', 'https://example.org'));
  for (const p of ['media', 'notifications', 'geolocation', 'openExternal', 'fullscreen']) assert.ok(!permissionAllowed(p, 'app://labvisor'), p);
});

test('the window gets no Node, a sandbox, an isolated world and no <webview>', () => {
  const prefs = windowWebPreferences('/app/preload.cjs', false);
  assert.equal(prefs.preload, '/app/preload.cjs');
  assert.equal(prefs.contextIsolation, true);
  assert.equal(prefs.sandbox, true);
  assert.equal(prefs.nodeIntegration, false);
  assert.equal(prefs.nodeIntegrationInWorker, false);
  assert.equal(prefs.nodeIntegrationInSubFrames, false);
  assert.equal(prefs.webviewTag, false);
  assert.equal(prefs.webSecurity, true);
  assert.equal(prefs.allowRunningInsecureContent, false);
  assert.equal(prefs.devTools, false);
  assert.equal(windowWebPreferences('/p', true).devTools, true);
});

test('the app:// CSP allows our own scripts only and no connection elsewhere', () => {
  const directives = new Map(APP_CSP.split(';').map((d) => {
    const [name, ...values] = d.trim().split(/\s+/);
    return [name!, values];
  }));
  assert.deepEqual(directives.get('script-src'), ["'self'"]);
  assert.deepEqual(directives.get('connect-src'), ["'self'"]);
  assert.deepEqual(directives.get('default-src'), ["'self'"]);
  assert.deepEqual(directives.get('object-src'), ["'none'"]);
  assert.deepEqual(directives.get('frame-ancestors'), ["'none'"]);
  assert.doesNotMatch(APP_CSP, /unsafe-inline|unsafe-eval|ws:|http:|https:|\*/);
  assert.equal(appHeaders()['Content-Security-Policy'], APP_CSP);
  assert.equal(appHeaders()['X-Content-Type-Options'], 'nosniff');
});

test('build/electron-builder.yml sets every security fuse', () => {
  const config = readFileSync(join(packageRoot(), 'build', 'electron-builder.yml'), 'utf8');
  assert.deepEqual(fuseProblems(config), []);
  assert.deepEqual(REQUIRED_FUSES, {
    runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true, onlyLoadAppFromAsar: true, enableCookieEncryption: true,
    grantFileProtocolExtraPrivileges: false,
  });
});

test('a builder config with a fuse missing or flipped is named', () => {
  assert.deepEqual(fuseProblems('appId: x\n'), ['electronFuses is missing']);
  const problems = fuseProblems('electronFuses:\n  runAsNode: true\n  enableNodeOptionsEnvironmentVariable: false\n  enableNodeCliInspectArguments: false\n  enableEmbeddedAsarIntegrityValidation: true\n  onlyLoadAppFromAsar: true\n');
  assert.deepEqual(problems, [
    'electronFuses.runAsNode must be false, is true',
    'electronFuses.enableCookieEncryption must be true, is unset',
    'electronFuses.grantFileProtocolExtraPrivileges must be false, is unset',
  ]);
});

test('the Electron binary is found from path.txt, and only when the file is there', () => {
  const dir = mkdtempSync(join(tmpdir(), 'labvisor-electron-'));
  try {
    assert.equal(electronBinary(dir), undefined, 'no path.txt: never downloaded');
    writeFileSync(join(dir, 'path.txt'), 'electron');
    assert.equal(electronBinary(dir), undefined, 'path.txt but no binary');
    mkdirSync(join(dir, 'dist'));
    writeFileSync(join(dir, 'dist', 'electron'), '');
    assert.equal(electronBinary(dir), join(dir, 'dist', 'electron'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
