// The LabApi as one connection (a WebSocket, an Electron window) sees it: the host's methods,
// plus attaching terminals to channels of this connection. Written out method by method so a
// method added to the contract fails to compile here until it is carried.
import { ApiError, type LabApi } from '../shared/api.js';
import type { HostApi } from './lab-host.js';
import type { ChannelSink, TerminalChannels } from './terminal-channels.js';

/** Makes what carries one channel: its sink, and what tears it down on detach. */
export type OpenChannel = (channel: number) => { sink: ChannelSink; close?: () => void };

export function connectionApi(host: HostApi, channels: TerminalChannels, openChannel: OpenChannel): LabApi {
  return {
    doctor: (p) => host.doctor(p),
    listLabs: (p) => host.listLabs(p),
    openLabFolder: (p) => host.openLabFolder(p),
    trustLab: (p) => host.trustLab(p),
    closeLabFolder: (p) => host.closeLabFolder(p),
    loadBundle: (p) => host.loadBundle(p),
    getStep: (p) => host.getStep(p),
    getProgress: (p) => host.getProgress(p),
    saveProgress: (p) => host.saveProgress(p),
    clearProgress: (p) => host.clearProgress(p),
    listSessions: (p) => host.listSessions(p),
    startLab: (p) => host.startLab(p),
    checkStep: (p) => host.checkStep(p),
    answerStep: (p) => host.answerStep(p),
    solveStep: (p) => host.solveStep(p),
    catchUp: (p) => host.catchUp(p),
    resetLab: (p) => host.resetLab(p),
    stopLab: (p) => host.stopLab(p),
    lensProcesses: (p) => host.lensProcesses(p),
    lensKernels: (p) => host.lensKernels(p),
    lensFootprint: (p) => host.lensFootprint(p),
    lensImages: (p) => host.lensImages(p),
    lensImageDiff: (p) => host.lensImageDiff(p),
    lensVolume: (p) => host.lensVolume(p),
    openTerminal: (p) => host.openTerminal(p),
    listTerminals: (p) => host.listTerminals(p),
    closeTerminal: (p) => host.closeTerminal(p),
    startRecording: (p) => host.startRecording(p),
    stopRecording: (p) => host.stopRecording(p),
    markRecording: (p) => host.markRecording(p),
    listRecordings: (p) => host.listRecordings(p),
    getRecording: (p) => host.getRecording(p),
    attachTerminal: async ({ terminal, channel }) => {
      const t = host.terminal(terminal);
      if (!t) throw new ApiError('not-found', `no terminal "${terminal}" on this host`);
      if (!channels.attach(t, channel, openChannel)) throw new ApiError('conflict', `this connection uses terminal channel ${channel} already`);
      return { channel };
    },
    detachTerminal: async ({ channel }) => {
      if (!channels.detach(channel)) throw new ApiError('not-found', `this connection has no terminal channel ${channel}`);
      return {};
    },
  };
}
