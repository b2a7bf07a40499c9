// The page's one way to the engine, exposed as window.labvisor (the renderer uses IPC when it
// exists, the WebSocket otherwise). Sandboxed preloads run as CommonJS and may require nothing
// but 'electron', hence a .cts file importing only that; the channel names match
// electron/main/ipc-bridge.ts.
//
//   labvisor.request(message)  a LabApi request ({ id, method, params }) → its response message
//   labvisor.onEvent(callback) every host event; returns the unsubscribe
//   labvisor.pickLabFolder()   the system's folder picker → a folder's path, or undefined
//   labvisor.pickBundleFile()  the system's file picker for a workshop bundle → its path, or undefined
//   labvisor.pathForFile(file) where a dropped file or folder is on disk (the page cannot know)
//   terminal ports             window message { type: 'labvisor:terminal-port', channel } carrying
//                              the MessagePort of an attached terminal channel (TerminalOut out,
//                              TerminalIn in)
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';

contextBridge.exposeInMainWorld('labvisor', {
  request: (message: unknown): Promise<unknown> => ipcRenderer.invoke('labvisor:request', message),
  onEvent: (callback: (event: unknown) => void): (() => void) => {
    const listener = (_e: IpcRendererEvent, event: unknown) => callback(event);
    ipcRenderer.on('labvisor:event', listener);
    return () => { ipcRenderer.removeListener('labvisor:event', listener); };
  },
  pickLabFolder: (): Promise<string | undefined> => ipcRenderer.invoke('labvisor:pick-lab-folder'),
  pickBundleFile: (): Promise<string | undefined> => ipcRenderer.invoke('labvisor:pick-bundle-file'),
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
});

// A MessagePort cannot cross the context bridge: hand it to the page's world, our origin only.
ipcRenderer.on('labvisor:terminal-port', (event, message: { channel: number }) => {
  const [port] = event.ports;
  if (port) window.postMessage({ type: 'labvisor:terminal-port', channel: message.channel }, window.location.origin, [port]);
});
