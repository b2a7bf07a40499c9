// The window's webPreferences, spelled out even where they are Electron's defaults: the page
// gets no Node, runs sandboxed in its own JavaScript world, and reaches the engine only through
// the preload's small API. Plain module (no 'electron'): unit-tested in Node.
export function windowWebPreferences(preload: string, devTools: boolean) {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webviewTag: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    navigateOnDragDrop: false,
    safeDialogs: true,
    spellcheck: false,
    devTools,
  } as const;
}
