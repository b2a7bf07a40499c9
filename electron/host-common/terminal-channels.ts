// The terminals one connection (a WebSocket, an Electron window) looks at, by channel number.
// Each channel is one listener of a TerminalSession: it gets the scrollback, then live output,
// and its acks count for it alone, so a slow tab slows only the terminals it shows.
// Transports give a sink per channel (binary WebSocket frames, a MessagePort) and feed frames in.
import { TerminalInFrame } from '../shared/terminal-frames.js';
import { describeIssues } from '../shared/api.js';
import type { TerminalOut } from '../shared/terminal-protocol.js';
import type { TerminalListener, TerminalSession } from '../engine/terminals/terminal-session.js';

export type ChannelSink = (frame: TerminalOut) => void;

/** A frame the UI should never have sent: the transport closes with this message. */
export class BadTerminalFrameError extends Error {}

interface Channel { terminal: TerminalSession; listener: TerminalListener; close(): void }

export class TerminalChannels {
  private readonly channels = new Map<number, Channel>();

  /**
   * Streams `terminal` to `channel` (the UI's pick; false when this connection uses it already).
   * `open` makes the channel's sink (and whatever carries it) and may return a function that
   * tears the carrier down on detach.
   */
  attach(terminal: TerminalSession, channel: number, open: (channel: number) => { sink: ChannelSink; close?: () => void }): boolean {
    if (this.channels.has(channel)) return false;
    const { sink, close } = open(channel);
    const listener: TerminalListener = (frame) => sink(frame);
    this.channels.set(channel, { terminal, listener, close: close ?? (() => {}) });
    terminal.attach(listener);
    return true;
  }

  /** Stops streaming on a channel; the terminal keeps running. False when there is no such channel. */
  detach(channel: number): boolean {
    const c = this.channels.get(channel);
    if (!c) return false;
    this.channels.delete(channel);
    c.terminal.detach(c.listener);
    c.close();
    return true;
  }

  /**
   * A frame from the UI, as decoded by the transport. Throws BadTerminalFrameError when it does not
   * fit the protocol; returns false for a channel this connection does not have (a frame that
   * crossed a detach on the wire: dropped).
   */
  receive(channel: number, frame: unknown): boolean {
    const parsed = TerminalInFrame.safeParse(frame);
    if (!parsed.success) throw new BadTerminalFrameError(`bad terminal frame on channel ${channel}: ${describeIssues(parsed.error)}`);
    const c = this.channels.get(channel);
    if (!c) return false;
    c.terminal.receive(parsed.data, c.listener);
    return true;
  }

  /** The connection went away: its terminals keep running for the next UI. */
  detachAll(): void {
    for (const channel of [...this.channels.keys()]) this.detach(channel);
  }

  get size(): number { return this.channels.size; }
}
