// A VM whose runner container dies after its boot, for real: killed or removed from outside with
// the engine's API, as `docker kill` or another client would. The VM goes with its runner, and
// the lab says which machine stopped and why (what the exit means, the console's last lines);
// the lab's other machine runs on, and nothing is left once the session stops.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import type { EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { loadLab } from '../../electron/engine/labs/load.js';
import { LabSession } from '../../electron/engine/sessions/lab-session.js';
import { containerName } from '../../electron/engine/sessions/names.js';
import type { TerminalOut } from '../../electron/shared/terminal-protocol.js';
import type { EventMessage, SessionInfo } from '../../electron/shared/api.js';
import { LabHost } from '../../electron/host-common/lab-host.js';
import { engineOrSkip, fixture, labelled, nothing, vmSkip } from './support.js';

const engine = await engineOrSkip();
const skip = await vmSkip(engine, 'VM runner-death tests');

/** Resolves with what `find` returns once it returns something, polling; rejects after timeoutMs. */
async function until<T>(what: string, find: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = await find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a VM whose runner dies', { skip }, () => {
  const docker = engine.docker as Docker;
  const info = engine.info as EngineInfo;

  test('killed: scripts, the terminal, the machine list and checks say "vm" stopped, killed, with its console lines; the container runs on', async () => {
    const session = new LabSession(docker, info, await loadLab(fixture('vm-lab')));
    const heard: string[] = [];
    session.onMachineStopped((m) => heard.push(m));
    await session.start();
    try {
      const term = await session.openTerminal('vm', 100, 30);
      const exit = new Promise<TerminalOut>((resolve) => term.attach((f) => { if (f.type === 'exit') resolve(f); }));
      assert.equal((await session.runScript('vm', 'echo alive', 20_000)).output, 'alive\n');

      await docker.getContainer(containerName(session.id, 'vm')).kill();

      const r = await session.runScript('vm', 'echo alive', 20_000);
      assert.equal(r.exitCode, 125);
      assert.match(r.output, /^machine "vm" stopped: its runner was killed \(exit code 137: SIGKILL/);
      assert.match(r.output, /\nLast console lines:\n.*\S/, r.output);
      const vm = await until('the machine list to say vm stopped', () => session.machines.find((m) => m.name === 'vm' && m.stopped));
      assert.match(vm.stopped!, /^its runner was killed/);
      assert.deepEqual(heard, ['vm'], 'the session told its listeners once');

      const ended = await exit;
      assert.match(ended.type === 'exit' ? ended.reason ?? '' : '', /^the VM stopped: its runner was killed[\s\S]*Last console lines:/);
      await assert.rejects(session.openTerminal('vm', 100, 30), /machine "vm" stopped: its runner was killed/);
      const check = await session.check('own-kernel');
      assert.equal(check.ok, false);
      assert.match(check.messages.join('\n'), /^machine "vm" stopped: its runner was killed \(exit code 137: SIGKILL[^\n]*$/m);

      assert.equal((await session.runScript('box', 'echo still here', 20_000)).output, 'still here\n', 'the lab\'s other machine runs on');
    } finally {
      await session.stop();
    }
    assert.deepEqual(await labelled(docker, session.id), nothing, 'the dead runner went with the session');
  });

  test('removed from outside: the server pushes the session with the machine stopped, and polled session info says it too', async () => {
    const host = new LabHost({ labsDir: fixture('.') });
    const pushed: SessionInfo[] = [];
    host.onEvent((e: EventMessage) => { if (e.event === 'session') pushed.push(e.session); });
    const started = await host.startLab({ lab: 'vm-lab' });
    try {
      await docker.getContainer(containerName(started.id, 'vm')).remove({ force: true });

      const stoppedIn = (s: SessionInfo) => s.machines.find((m) => m.name === 'vm')?.stopped;
      const why = await until('a pushed session whose vm stopped', () => pushed.map(stoppedIn).find(Boolean));
      assert.match(why, /^its runner container was removed from outside Labvisor/);
      const { sessions } = await host.listSessions({});
      assert.equal(stoppedIn(sessions.find((s) => s.id === started.id)!), why);
      assert.equal(sessions.find((s) => s.id === started.id)?.state, 'running', 'the lab runs on without its VM');
      await assert.rejects(host.openTerminal({ session: started.id, machine: 'vm', cols: 80, rows: 24 }), /machine "vm" stopped: its runner container was removed/);
      const solved = await host.solveStep({ session: started.id, step: 'own-kernel' });
      assert.deepEqual(solved.messages, [`solution in "vm": machine "vm" stopped: ${why.split('\n')[0]}`]);
    } finally {
      await host.stopAll();
    }
    assert.deepEqual(await labelled(docker, started.id), nothing);
  });
});
