// Terminals on real machines, through a lab session: a container (docker exec with a TTY), a
// QEMU VM (its serial console) and the host (a pty). Echo, resize, flow control under `yes`,
// scrollback replay, exit, and nothing left running after close or stop.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { readdirSync, readFileSync } from 'node:fs';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { loadLab } from '../../electron/engine/labs/load.js';
import { LabSession } from '../../electron/engine/sessions/lab-session.js';
import type { TerminalSession } from '../../electron/engine/terminals/terminal-session.js';
import { FLOW, SCROLLBACK_BYTES, type TerminalOut } from '../../electron/shared/terminal-protocol.js';
import { engineOrSkip, fixture, labelled, nothing, vmSkip } from './support.js';
import { plainText, waitForText } from './terminal-text.js';

// A host terminal runs the user's $SHELL. Here it is /bin/sh, as in CI: a developer's rc files
// (prompt themes, pyenv's rehash lock) must not decide what this test sees.
process.env.SHELL = '/bin/sh';

const engine = await engineOrSkip();
const vms = await vmSkip(engine, 'terminal tests');
const skip = engine.skip || vms;

/** What a socket read can add after the source was paused. */
const ONE_READ = 64 * 1024;
const PROMPT = 'lv-prompt> ';
/**
 * A slow renderer: 2.5 MB/s. What was printed before Ctrl-C still drains through the UI, and
 * Docker holds up to about 1.2 MB of it outside the engine (measured), so a UI slower than this takes longer.
 */
const SLOW_UI = { bytes: 128 * 1024, ms: 50 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A UI looking at a terminal: decodes what it gets, acks it at once, slowly (a slow renderer) or not at all (a stalled one). */
class Viewer {
  text = '';
  exits: Array<Extract<TerminalOut, { type: 'exit' }>> = [];
  received = 0;
  private readonly decoder = new TextDecoder();
  private acked = 0;
  private acking: 'at once' | 'slowly' | 'never' = 'at once';
  private slowAck?: NodeJS.Timeout;
  readonly listener = (f: TerminalOut) => {
    if (f.type === 'exit') { this.exits.push(f); return; }
    this.received += f.data.length;
    this.text += this.decoder.decode(f.data, { stream: true });
    if (this.acking === 'at once') this.ackAll();
  };

  constructor(readonly term: TerminalSession) { term.attach(this.listener); }

  /** From now on, acknowledge at most `bytes` every `ms`. */
  ackSlowly(bytes: number, ms: number): void {
    this.acking = 'slowly';
    this.slowAck = setInterval(() => this.ackAll(bytes), ms);
  }

  ackNever(): void { this.acking = 'never'; }

  ackAtOnce(): void { clearInterval(this.slowAck); this.acking = 'at once'; this.ackAll(); }

  private ackAll(max = Infinity): void {
    const n = Math.min(max, this.received - this.acked);
    this.term.ack(n, this.listener);
    this.acked += n;
  }

  type(line: string): void { this.term.input(line, this.listener); }
  mark(): number { return this.text.length; }
  plain(from = 0): string { return plainText(this.text.slice(from)); }

  waitFor(pattern: RegExp, from = 0, timeoutMs = 15_000): Promise<RegExpExecArray> {
    return waitForText(() => this.plain(from), pattern, `in terminal ${this.term.machine}`, timeoutMs);
  }

  async waitForPrompt(from: number, timeoutMs?: number): Promise<void> {
    await this.waitFor(new RegExp(`${PROMPT}$`), from, timeoutMs);
  }

  /** A known prompt, so "back at the prompt" can be seen. */
  async setPrompt(): Promise<void> {
    const at = this.mark();
    this.type(`PS1='${PROMPT}'\r`);
    await this.waitForPrompt(at);
  }
}

function pidsRunning(cmdline: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try { return readFileSync(`/proc/${p}/cmdline`, 'utf8') === cmdline; } catch { return false; }
  }).map(Number);
}

describe('terminals on real machines', { skip }, () => {
  const docker = engine.docker as Docker;
  let session: LabSession;
  const measured: Record<string, unknown> = {};

  before(async () => {
    session = new LabSession(docker, engine.info as EngineInfo, await loadLab(fixture('terminal-lab')));
    await session.start({ trust: true });
  });

  after(async () => {
    if (!session) return;
    const qemuPid = (await docker.getContainer(`lv-${session.id}-vm`).inspect().catch(() => undefined))?.State.Pid;
    await session.stop();
    assert.deepEqual(await labelled(docker, session.id), nothing);
    if (qemuPid) assert.throws(() => process.kill(qemuPid, 0), 'no QEMU left');
    console.log('measured:', JSON.stringify(measured));
  });

  for (const machine of ['box', 'vm', 'host']) {
    test(`${machine}: input is echoed and run; the size is the one asked, and follows a resize`, async () => {
      const v = new Viewer(await session.openTerminal(machine, 100, 30));
      await v.setPrompt();
      v.type('echo hello-$((6*7))\r');
      await v.waitFor(/^hello-42$/m);
      let at = v.mark();
      v.type('stty size\r');
      await v.waitFor(/^30 100$/m, at);
      v.term.resize(101, 33);
      await sleep(300); // the container's resize is a request to the engine; the VM's goes through the agent
      at = v.mark();
      v.type('stty size\r');
      await v.waitFor(/^33 101$/m, at);
      v.term.detach(v.listener);
    });

    test(`${machine}: yes blocks on a stalled UI; Ctrl-C, then a slow UI: back at the prompt within a second`, async (t) => {
      const term = await session.openTerminal(machine, 80, 24);
      const v = new Viewer(term);
      t.after(() => v.ackAtOnce());
      await v.setPrompt();
      v.ackNever();
      const began = Date.now();
      v.type('yes\r');
      while (!term.stats().paused) await sleep(10);
      const yesKBps = Math.round(term.stats().unackedBytes / (Date.now() - began));
      // Paused: the engine reads no more, so yes blocks in the machine instead of filling memory.
      const held = term.stats().outputBytes;
      await sleep(300);
      assert.equal(term.stats().outputBytes, held);
      const sent = Date.now();
      const at = v.mark();
      v.type('\x03');
      v.ackSlowly(SLOW_UI.bytes, SLOW_UI.ms);
      await v.waitForPrompt(at, 5000);
      const latencyMs = Date.now() - sent;
      const stats = term.stats();
      measured[machine] = { yesKBps, ctrlCToPromptMs: latencyMs, drainedAfterCtrlC: v.received - held, ...stats };
      assert.ok(latencyMs < 1000, `prompt after ${latencyMs} ms`);
      assert.ok(stats.pauses > 0);
      assert.ok(stats.maxUnackedBytes <= FLOW.HIGH + ONE_READ, `unacknowledged bytes reached ${stats.maxUnackedBytes}`);
      assert.ok(stats.scrollbackBytes <= SCROLLBACK_BYTES);
      v.ackAtOnce();
      const again = v.mark();
      v.type('echo after-$((2+3))\r');
      await v.waitFor(/^after-5$/m, again);
      term.detach(v.listener);
    });
  }

  test('vm: a second open is the same console terminal', async () => {
    const first = await session.openTerminal('vm', 80, 24);
    const [a, b] = await Promise.all([session.openTerminal('vm', 90, 20), session.openTerminal('vm', 90, 20)]);
    assert.equal(a.id, first.id);
    assert.equal(b.id, first.id);
    assert.deepEqual([first.cols, first.rows], [90, 20]);
  });

  test('box: detach keeps the shell running; re-attach replays the scrollback', async () => {
    const term = await session.openTerminal('box', 80, 24);
    const v = new Viewer(term);
    v.type('echo seen-$((1+1))\r');
    await v.waitFor(/^seen-2$/m);
    term.detach(v.listener);
    const out = term.stats().outputBytes;
    v.type('echo unseen-$((3+3))\r');
    while (term.stats().outputBytes === out) await sleep(10);
    await sleep(200);
    const back = new Viewer(term);
    assert.match(back.plain(), /^seen-2$/m);
    assert.match(back.plain(), /^unseen-6$/m);
    assert.equal(v.plain().includes('unseen-6\n'), false, 'nothing reached the detached listener');
    await session.terminals.close(term.id);
    assert.equal(session.terminals.get(term.id), undefined);
  });

  test('box: after the shell exits, its code is the exit event, and input gets an exit event too', async () => {
    const term = await session.openTerminal('box', 80, 24);
    const v = new Viewer(term);
    v.type('exit 3\r');
    const until = Date.now() + 10_000;
    while (!v.exits.length && Date.now() < until) await sleep(10);
    assert.deepEqual(v.exits, [{ type: 'exit', code: 3 }]);
    v.type('echo anyone?\r');
    assert.deepEqual(v.exits, [{ type: 'exit', code: 3 }, { type: 'exit', code: 3 }]);
  });

  test('box: job control is the shell\'s own: Ctrl-Z stops the job, bg and fg resume it, Ctrl-C ends it', async () => {
    const v = new Viewer(await session.openTerminal('box', 80, 24));
    await v.setPrompt();
    let at = v.mark();
    v.type('sleep 60\r');
    await sleep(300);
    v.type('\x1a'); // the pty's line discipline stops the foreground job
    await v.waitFor(/Stopped\s+sleep 60/, at);
    at = v.mark();
    v.type('bg; jobs\r');
    await v.waitFor(/Running\s+sleep 60/, at);
    at = v.mark();
    v.type('fg\r');
    await sleep(300);
    v.type('\x03');
    await v.waitForPrompt(at);
    at = v.mark();
    v.type('echo rc=$?\r');
    await v.waitFor(/^rc=130$/m, at);
    await session.terminals.close(v.term.id);
  });

  test('host (the Docker host view): says where it is, sees the host\'s processes, drives the engine', async () => {
    const v = new Viewer(await session.openTerminal('host', 100, 30));
    await v.waitFor(/This shell runs on the Docker host/);
    await v.waitFor(/\[Docker host\] \/lab # /);
    const boxPid = (await docker.getContainer(`lv-${session.id}-box`).inspect()).State.Pid;
    v.type(`cat /proc/${boxPid}/cgroup >/dev/null && echo sees-box-$((1+1)); docker inspect -f '{{.State.Running}}' "$LAB_MACHINE_BOX"\r`);
    await v.waitFor(/^sees-box-2\r?\ntrue$/m);
    // The VM's QEMU runs on this computer, which is the Docker host here: the view finds it under its own PID.
    v.type('tr "\\0" " " < /proc/$LAB_QEMU_PID_VM/cmdline | grep -o "^qemu-system-[a-z0-9_]*" | sed "s/^/qemu=/"\r');
    await v.waitFor(/^qemu=qemu-system-x86_64$/m);
  });

  test('me (the learner\'s computer): a shell in the work folder with the LAB_* variables; close kills everything it started', async () => {
    const term = await session.openTerminal('me', 80, 24);
    const v = new Viewer(term);
    v.type('[ "$PWD" = "$LAB_WORKDIR" ] && echo "in-work-$LAB_SESSION $TERM"\r');
    // Not anchored at the line start: the tty echoes input typed ahead at once, so the shell's
    // prompt (dash's "# ") can land in front of the output.
    await v.waitFor(new RegExp(`in-work-${session.id} xterm-256color$`, 'm'));
    v.type('sleep 4545 &\r');
    v.type('(sleep 4546 &)\r'); // an orphan: its parent exits at once, it stays in the terminal's session
    const until = Date.now() + 5000;
    while ((!pidsRunning('sleep\x004545\x00').length || !pidsRunning('sleep\x004546\x00').length) && Date.now() < until) await sleep(20);
    assert.ok(pidsRunning('sleep\x004545\x00').length && pidsRunning('sleep\x004546\x00').length, 'the sleeps started');
    await session.terminals.close(term.id);
    await sleep(100);
    assert.deepEqual(pidsRunning('sleep\x004545\x00'), []);
    assert.deepEqual(pidsRunning('sleep\x004546\x00'), []);
    assert.deepEqual(v.exits, [{ type: 'exit', code: null, reason: 'terminal closed' }]);
  });

  test('stopping the session ends its terminals: the VM console says why', async () => {
    const vmTerm = await session.openTerminal('vm', 80, 24);
    const hostTerm = await session.openTerminal('me', 80, 24);
    const vmView = new Viewer(vmTerm);
    const hostView = new Viewer(hostTerm);
    await session.stop();
    assert.equal(vmView.exits.length, 1);
    assert.equal(hostView.exits.length, 1);
    assert.equal(session.terminals.list().length, 0);
    await assert.rejects(session.openTerminal('box', 80, 24));
  });
});
