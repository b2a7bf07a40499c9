// A VM's runner that stops by itself: what its end means, what the learner is shown of the
// runner's output, and a console terminal that ends with that reason.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Duplex, PassThrough } from 'node:stream';
import { agentLost, bootFailed, explainEnd, RunnerTail, runnerEndMeaning } from '../../electron/engine/machines/vm/runner-end.js';
import { cannotRun } from '../../electron/engine/machines/script-result.js';
import { BootTimeout } from '../../electron/engine/errors.js';
import { TerminalSession } from '../../electron/engine/terminals/terminal-session.js';
import { openVmConsole } from '../../electron/engine/terminals/vm-console-source.js';
import type { TerminalOut } from '../../electron/shared/terminal-protocol.js';

test('what a runner\'s end means (killed, out of memory, removed from outside, QEMU\'s own exit) and what to do: Reset the lab', () => {
  const exited = (exitCode: number, oomKilled = false) => runnerEndMeaning({ kind: 'exited', exitCode, oomKilled, limitMb: 448 }, 192);
  assert.match(exited(137), /killed \(exit code 137: SIGKILL/);
  assert.match(exited(137, true), /^out of memory: the VM's 192 MB plus QEMU's own memory exceeded its runner's limit of 448 MB.*exit code 137/);
  assert.match(exited(143), /killed by signal 15 \(exit code 143\)/);
  assert.match(exited(0), /code 0\): the guest powered off/);
  assert.equal(exited(1), 'QEMU exited with code 1; Reset the lab to boot it again');
  assert.match(runnerEndMeaning({ kind: 'removed' }, 192), /removed from outside Labvisor \(docker rm -f, or another client's gc\)/);
  assert.match(runnerEndMeaning({ kind: 'unknown', error: 'connect ENOENT' }, 192), /could not say why \(connect ENOENT\)/);
  assert.match(runnerEndMeaning({ kind: 'panicked' }, 192), /^the guest's kernel panicked, so Labvisor stopped its QEMU/);
  for (const meaning of [exited(137), exited(137, true), exited(143), exited(0), runnerEndMeaning({ kind: 'removed' }, 192), runnerEndMeaning({ kind: 'panicked' }, 192)]) {
    assert.match(meaning, /[^;]; Reset the lab to boot it again$/);
  }
  assert.match(runnerEndMeaning({ kind: 'unknown', error: 'connect ENOENT' }, 192), /; check that Docker runs, then Reset the lab to boot it again$/);
});

test('a VM that cannot be reached or does not boot: one sentence with what to do, then what QEMU and the console said', () => {
  assert.equal(agentLost('the connection closed'), 'cannot run commands, the connection to its guest agent was lost (the connection closed); Reset the lab to boot it again');
  assert.equal(cannotRun('vm', agentLost('the connection closed')).output,
    'machine "vm" cannot run commands, the connection to its guest agent was lost (the connection closed); Reset the lab to boot it again');

  const tail = new RunnerTail();
  tail.keepStderr(Buffer.from("qemu-system-x86_64: -device virtio-blk-pci,drive=d0: Could not open '/vm/disks/0.img': No such file or directory\n"));
  tail.keepConsole(Buffer.from('SeaBIOS\r\n'));
  assert.equal(bootFailed('box', 1, tail, 'the connection closed'),
    'QEMU exited (code 1) while booting "box": run labvisor doctor to check the VM parts, then start the lab again.\n' +
    "QEMU said: qemu-system-x86_64: -device virtio-blk-pci,drive=d0: Could not open '/vm/disks/0.img': No such file or directory\n" +
    'Last console lines:\nSeaBIOS');

  const panicked = new RunnerTail();
  panicked.keepConsole(Buffer.from('VFS: Unable to mount root fs\r\nKernel panic - not syncing: VFS: Unable to mount root fs on unknown-block(0,0)\r\n'));
  const said = bootFailed('broken', 137, panicked, "the VM's runner stopped (QEMU exited with code 137)");
  assert.match(said, /^The guest's kernel panicked while booting "broken" \(the VM's runner stopped \(QEMU exited with code 137\)\): the lab's VM does not boot here, tell the lab's author \(the console lines below say why\)\.\nLast console lines:\n[\s\S]*Kernel panic/);

  const late = new BootTimeout('box', 'tcg', 90_000, '');
  assert.equal(late.message, 'VM "box" did not boot within 90 s with tcg: start the lab again (a busy computer boots VMs slower), and if it fails again, run labvisor doctor.\n' +
    'The console stayed silent (is the kernel for this CPU?)');
  assert.match(new BootTimeout('box', 'tcg', 90_000, 'Booting the kernel.').message, /run labvisor doctor\.\nLast console lines:\nBooting the kernel\.$/);
});

test('a kernel panic on the console is seen once, also when its line comes in two chunks', () => {
  const tail = new RunnerTail();
  let calls = 0;
  tail.onPanic = () => { calls++; };
  tail.keepConsole(Buffer.from('[    2.1] Kernel pa'));
  assert.equal(tail.panicked, false);
  tail.keepConsole(Buffer.from('nic - not syncing: VFS: Unable to mount root fs\r\n'));
  tail.keepConsole(Buffer.from('---[ end Kernel panic - not syncing ]---\r\n'));
  assert.deepEqual([tail.panicked, calls], [true, 1]);
  const calm = new RunnerTail();
  calm.keepConsole(Buffer.from('echo "Kernel panic"\r\n'));
  assert.equal(calm.panicked, false, 'the words alone, typed by a learner, are not a panic');
});

test('the explanation: the meaning, QEMU\'s last stderr lines, the console\'s last lines without escapes, a panic kept from further up', () => {
  const tail = new RunnerTail();
  tail.keepConsole(Buffer.from('Kernel panic - not syncing: oops\n'));
  for (let i = 1; i <= 30; i++) tail.keepConsole(Buffer.from(`line ${i}\r\n`));
  tail.keepConsole(Buffer.from('\x1b[6n# '));
  tail.keepStderr(Buffer.from('one\ntwo\nthree\nfour\nqemu-system-x86_64: terminating on signal 15\n'));
  const text = explainEnd('its runner was killed', tail);
  const [meaning, said, ...rest] = text.split('\n');
  assert.equal(meaning, 'its runner was killed');
  assert.equal(said, 'QEMU said: two');
  assert.equal(rest.slice(3, 6).join('\n'), 'Last console lines:\nKernel panic - not syncing: oops\n…');
  assert.deepEqual(rest.slice(-2), ['line 30', '#'], 'no escape sequences');
  assert.equal(rest.filter((l) => l.startsWith('line ')).length, 11, 'the last twelve console lines, the prompt among them');
});

test('a runner that said nothing: the meaning alone', () => {
  assert.equal(explainEnd('QEMU exited with code 1', new RunnerTail()), 'QEMU exited with code 1');
});

test('the runner\'s output is kept bounded however long the VM runs', () => {
  const tail = new RunnerTail();
  for (let i = 0; i < 2000; i++) tail.keepConsole(Buffer.from(`${'x'.repeat(100)}\n`));
  for (let i = 0; i < 2000; i++) tail.keepStderr(Buffer.from(`${'y'.repeat(100)}\n`));
  assert.ok(tail.consoleLines().length < 16_000);
  assert.equal(tail.qemuSaid().split('\n').length, 4);
});

/** A VM's console as a terminal sees it: the runner's stdio, and how the VM ended. */
function fakeVm() {
  let end!: (why: string | undefined) => void;
  const ended = new Promise<string | undefined>((r) => { end = r; });
  const out = new PassThrough();
  const console = Duplex.from({ readable: out, writable: new PassThrough() });
  return { vm: { console, ended, resize: () => {} }, out, end };
}

function exitOf(t: TerminalSession): Promise<TerminalOut> {
  return new Promise((resolve) => t.attach((f) => { if (f.type === 'exit') resolve(f); }));
}

test('a VM terminal whose runner died ends after its last output, with why as its exit reason', async () => {
  const { vm, out, end } = fakeVm();
  const t = new TerminalSession('vm', 'vm', openVmConsole(vm, 80, 24), { cols: 80, rows: 24 });
  let text = '';
  t.attach((f) => { if (f.type === 'data') text += Buffer.from(f.data).toString(); });
  const exit = exitOf(t);
  out.write('last words\r\n');
  await new Promise((r) => setTimeout(r, 20));
  vm.console.destroy(); // as the runner's end does
  await new Promise((r) => setTimeout(r, 20));
  assert.equal(t.exit, undefined, 'no exit before the reason is known');
  end('its runner was killed (exit code 137)\nLast console lines:\nlast words');
  assert.deepEqual(await exit, { type: 'exit', code: null, reason: 'the VM stopped: its runner was killed (exit code 137)\nLast console lines:\nlast words' });
  assert.equal(text, 'last words\r\n');
});

test('a VM terminal of a VM that Labvisor stopped ends plainly', async () => {
  const { vm, end } = fakeVm();
  const t = new TerminalSession('vm', 'vm', openVmConsole(vm, 80, 24), { cols: 80, rows: 24 });
  const exit = exitOf(t);
  vm.console.destroy();
  end(undefined);
  assert.deepEqual(await exit, { type: 'exit', code: null, reason: 'the VM stopped' });
});
