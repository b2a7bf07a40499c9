// One client per page, picked by the host: Electron's preload API when it exists, else the WebSocket.
import { IpcLabClient } from './ipc-client.js';
import type { LabClient } from './lab-client.js';
import { WsLabClient } from './ws-client.js';

export function connectLabClient(): LabClient {
  return window.labvisor ? new IpcLabClient(window.labvisor) : new WsLabClient();
}
