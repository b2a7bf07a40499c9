// "Ready" as a learner sees it: a shell prompt at the end of a terminal's output. The same test
// for our terminals (TerminalSession) and the raw tool's (node-pty), so neither gets an easier one.
import type { IPty } from 'node-pty';
import type { TerminalSession } from '../../electron/engine/terminals/terminal-session.js';

// eslint-disable-next-line no-control-regex
const ESCAPES = /\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r/g;
const PROMPT = /[#$>] $/;

function promptWatcher(timeoutMs: number, what: string): { push(text: string): boolean; done: Promise<void> } {
  let tail = '';
  let resolve!: () => void;
  let reject!: (err: Error) => void;
  const done = new Promise<void>((res, rej) => { resolve = res; reject = rej; });
  const timer = setTimeout(() => reject(new Error(`no prompt from ${what} within ${timeoutMs} ms; it printed: ${JSON.stringify(tail)}`)), timeoutMs);
  return {
    done,
    push(text: string) {
      tail = (tail + text).slice(-400);
      if (!PROMPT.test(tail.replace(ESCAPES, ''))) return false;
      clearTimeout(timer);
      resolve();
      return true;
    },
  };
}

/** Resolves at the first prompt; acks at once, as a UI that keeps up would. */
export async function terminalPrompt(terminal: TerminalSession, timeoutMs = 30_000): Promise<void> {
  const watch = promptWatcher(timeoutMs, `terminal ${terminal.id}`);
  const decoder = new TextDecoder();
  const listener = (out: Parameters<Parameters<TerminalSession['attach']>[0]>[0]) => {
    if (out.type !== 'data') return;
    terminal.ack(out.data.byteLength, listener);
    watch.push(decoder.decode(out.data, { stream: true }));
  };
  terminal.attach(listener);
  try {
    await watch.done;
  } finally {
    terminal.detach(listener);
  }
}

export async function ptyPrompt(pty: IPty, timeoutMs = 30_000): Promise<void> {
  const watch = promptWatcher(timeoutMs, `pty ${pty.pid}`);
  const sub = pty.onData((text) => watch.push(text));
  try {
    await watch.done;
  } finally {
    sub.dispose();
  }
}
