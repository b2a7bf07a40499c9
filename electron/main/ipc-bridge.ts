// The window as one connection of the LabHost, over IPC (the Electron twin of
// server/ws-connection.ts): requests through ipcMain.handle, every host event pushed to the page,
// and one MessageChannelMain per attached terminal; plus the system's folder and bundle pickers,
// which only the shell can show. Only our own page may call: the sender must be this window's top frame
// showing an app:// URL.
import { BrowserWindow, dialog, ipcMain, MessageChannelMain, type IpcMainInvokeEvent, type OpenDialogOptions, type WebContents } from 'electron';
import { connectionApi } from '../host-common/connection-api.js';
import { dispatch } from '../host-common/dispatch.js';
import type { HostApi } from '../host-common/lab-host.js';
import { TerminalChannels } from '../host-common/terminal-channels.js';
import { isAppUrl } from './app-origin.js';

/** The IPC channel names; the preload (electron/preload/preload.cts) spells the same ones. */
export const IPC = {
  request: 'labvisor:request',
  event: 'labvisor:event',
  terminalPort: 'labvisor:terminal-port',
  pickLabFolder: 'labvisor:pick-lab-folder',
  pickBundleFile: 'labvisor:pick-bundle-file',
} as const;

const PICK_LAB_FOLDER: OpenDialogOptions = { title: 'Open lab folder', buttonLabel: 'Open', properties: ['openDirectory'] };
const PICK_BUNDLE_FILE: OpenDialogOptions = {
  title: 'Load workshop bundle', buttonLabel: 'Load', properties: ['openFile'],
  filters: [{ name: 'Labvisor bundles', extensions: ['tar'] }, { name: 'All files', extensions: ['*'] }],
};

/** Serves the API to one window's page; returns what disconnects it (the window is gone). */
export function connectWindow(contents: WebContents, host: HostApi, log: (line: string) => void): () => void {
  const channels = new TerminalChannels();
  const api = connectionApi(host, channels, (channel) => {
    const { port1, port2 } = new MessageChannelMain();
    let open = true;
    port1.on('message', ({ data }) => {
      try {
        channels.receive(channel, data);
      } catch (err) {
        log(`ipc: terminal channel ${channel} closed: ${(err as Error).message}`);
        channels.detach(channel);
      }
    });
    // The page dropped its end (it reloaded or went away): stop streaming to it.
    port1.on('close', () => { if (open) channels.detach(channel); });
    port1.start();
    contents.postMessage(IPC.terminalPort, { channel }, [port2]);
    return {
      sink: (frame) => {
        // Throwing detaches this listener, so a port that is gone never holds the terminal back.
        if (!open) throw new Error('port closed');
        port1.postMessage(frame);
      },
      close: () => {
        open = false;
        port1.close();
      },
    };
  });

  const trusted = (event: IpcMainInvokeEvent): boolean => {
    const frame = event.senderFrame;
    return event.sender === contents && frame !== null && frame.parent === null && isAppUrl(frame.url);
  };
  const refuseStrangers = (event: IpcMainInvokeEvent, what: string): void => {
    if (trusted(event)) return;
    log(`ipc: refused ${what} from ${event.senderFrame?.url ?? 'a frame that is gone'}`);
    throw new Error('refused: only the Labvisor page may call the API');
  };
  ipcMain.handle(IPC.request, async (event, message: unknown) => {
    refuseStrangers(event, 'a request');
    const d = await dispatch(api, message, (line) => log(`ipc: ${line}`));
    // Not a request at all: there is no socket to close, so the call fails with the reason.
    if (d.kind === 'refuse') throw new Error(d.reason);
    return d.response;
  });
  // The page cannot learn a folder's path by itself; the picker is modal to this window.
  const picker = (channel: string, what: string, options: OpenDialogOptions) => ipcMain.handle(channel, async (event): Promise<string | undefined> => {
    refuseStrangers(event, what);
    const window = BrowserWindow.fromWebContents(contents);
    const picked = await (window ? dialog.showOpenDialog(window, options) : dialog.showOpenDialog(options));
    return picked.canceled ? undefined : picked.filePaths[0];
  });
  picker(IPC.pickLabFolder, 'the folder picker', PICK_LAB_FOLDER);
  picker(IPC.pickBundleFile, 'the bundle picker', PICK_BUNDLE_FILE);

  const unsubscribe = host.onEvent((event) => {
    if (!contents.isDestroyed()) contents.send(IPC.event, event);
  });
  // A new page (a reload) picks its channels afresh; the terminals keep running for it.
  const onNavigation = (details: { isMainFrame: boolean; isSameDocument: boolean }) => {
    if (details.isMainFrame && !details.isSameDocument) channels.detachAll();
  };
  const onGone = () => channels.detachAll();
  contents.on('did-start-navigation', onNavigation);
  contents.on('render-process-gone', onGone);

  return () => {
    ipcMain.removeHandler(IPC.request);
    ipcMain.removeHandler(IPC.pickLabFolder);
    ipcMain.removeHandler(IPC.pickBundleFile);
    unsubscribe();
    if (!contents.isDestroyed()) {
      contents.off('did-start-navigation', onNavigation);
      contents.off('render-process-gone', onGone);
    }
    channels.detachAll();
  };
}
