// The Electron entry (package.json "main"): one window showing the renderer from app://, talking
// to a LabHost in this process over IPC. Everything that can run without Electron lives
// elsewhere; this file only wires the app's life: one instance, locked-down contents, and every
// lab session stopped before the process exits.
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, Menu, session } from 'electron';
import { packageRoot } from '../engine/paths.js';
import { LabHost } from '../host-common/lab-host.js';
import { registerAppScheme, serveAppProtocol } from './app-protocol.js';
import { APP_ENTRY_URL } from './app-origin.js';
import { denyPermissions, guardContents } from './guards.js';
import { connectWindow } from './ipc-bridge.js';
import { appMenu } from './menu.js';
import { windowWebPreferences } from './web-preferences.js';

const log = (line: string): void => { process.stderr.write(`labvisor: ${line}\n`); };
const preload = fileURLToPath(new URL('../preload/preload.cjs', import.meta.url));

registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  log('Labvisor is running already: switching to its window');
  app.quit();
} else {
  run();
}

function run(): void {
  const host = new LabHost({ log });
  void host.prefetch(); // the catalog and the engine, while the window and its page load
  let window: BrowserWindow | undefined;

  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('web-contents-created', (_event, contents) => guardContents(contents, log));

  // Quitting waits for the lab sessions to be stopped and removed, then exits.
  let stopping = false;
  app.on('before-quit', (event) => {
    event.preventDefault();
    if (stopping) return;
    stopping = true;
    const n = host.sessionCount;
    if (n) log(`stopping ${n} lab session(s) and removing what they created…`);
    host.stopAll().then(() => app.exit(0), (err: Error) => {
      log(`stopping the lab sessions failed: ${err.message}`);
      app.exit(1);
    });
  });
  // The labs belong to the window: no window, no labs (also on macOS).
  app.on('window-all-closed', () => app.quit());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => app.quit());

  app.whenReady().then(() => {
    denyPermissions(session.defaultSession, log);
    serveAppProtocol(join(packageRoot(), 'renderer', 'dist'), log);
    Menu.setApplicationMenu(appMenu(!app.isPackaged));
    window = new BrowserWindow({
      width: 1280,
      height: 820,
      minWidth: 800,
      minHeight: 500,
      title: 'Labvisor',
      show: false,
      webPreferences: windowWebPreferences(preload, !app.isPackaged),
    });
    const shown = window;
    shown.once('ready-to-show', () => shown.show());
    const disconnect = connectWindow(shown.webContents, host, log);
    shown.on('closed', () => {
      disconnect();
      window = undefined;
    });
    return shown.loadURL(APP_ENTRY_URL);
  }).catch((err: Error) => {
    log(`the window could not start: ${err.stack ?? err.message}`);
    app.quit();
  });
}
