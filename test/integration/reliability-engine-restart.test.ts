// Issue 17, item 1: the Docker daemon restarts while a lab with a container and a VM runs under
// `labvisor serve` (a Docker Desktop update, a laptop's sleep). Through the WebSocket API, as the
// player sees it: an `engine` "down" event soon after dockerd stops, the terminals end, then
// "up" once it answers again, naming the session it ended; the session stopped with the reason;
// nothing of it left on the engine (no container, volume, network, no QEMU process), the learner's
// step kept and the checks' marks forgotten; and a new start works on the restarted engine.
// `labvisor run` of the same lab beside it says so on stderr and ends cleanly (exit 1).
// It restarts the engine everyone shares: run it alone (`flock -x /tmp/lv-engine.lock …`);
// the engine is started again in `finally` whatever happens.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type Docker from 'dockerode';
import type { EngineStatus, EventMessage, SessionInfo } from '../../electron/shared/api.js';
import { engineOrSkip, firstStdoutLine, fixture, labelled, nothing, startCli, vmSkip, waitForStderr, type CliProcess } from './support.js';
import { Client, TerminalView } from './ws-client.js';
import { ensureEngine, restartableEngine, stopEngine } from './restart-engine.js';

const engine = await engineOrSkip();
const skip = await (async () => {
  const vm = await vmSkip(engine, 'The engine-restart test');
  if (vm) return vm;
  const why = await restartableEngine();
  if (why && process.env.CI) throw new Error(`the engine-restart test must restart dockerd in CI: ${why}`);
  return why;
})();

const qemuCount = async (): Promise<number> => {
  const { stdout } = await promisify(execFile)('pgrep', ['-c', '-f', 'qemu-system']).catch(() => ({ stdout: '0' }));
  return Number(stdout.trim());
};

async function until<T>(what: string, find: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found !== undefined) return found;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('the Docker engine restarts under a running lab (container + VM)', { skip }, () => {
  const docker = engine.docker as Docker;
  let dataDir: string;
  let child: CliProcess;
  let client: Client;
  let cliRun: CliProcess | undefined;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'labvisor-engine-restart-'));
    child = startCli(['serve', '--port', '0'], { LABVISOR_DATA_DIR: dataDir });
    const url = new URL(await firstStdoutLine(child));
    client = await Client.open({ child, url, port: Number(url.port), token: url.hash.slice('#token='.length), origin: `http://127.0.0.1:${url.port}` });
  });

  after(async () => {
    await ensureEngine();
    client?.ws.close();
    if (cliRun && cliRun.exitCode === null) cliRun.kill('SIGINT');
    await cliRun?.result;
    if (child && child.exitCode === null) child.kill('SIGINT');
    await child?.result;
    rmSync(dataDir, { recursive: true, force: true });
  });

  test('noticed, said, ended cleanly with nothing left; the step kept; a new start works', async () => {
    const qemuBefore = await qemuCount();
    cliRun = startCli(['run', fixture('vm-lab')], { LABVISOR_DATA_DIR: dataDir });
    await client.ok('openLabFolder', { path: fixture('vm-lab') });
    const started = await client.ok<SessionInfo>('startLab', { lab: 'vm-lab' });
    const cliSession = await waitForStderr(cliRun, /\(session ([a-z0-9]{8})\)/, 60_000);
    await waitForStderr(cliRun, /The lab runs until you press Ctrl-C/, 300_000);
    const id = started.id;
    await client.ok('saveProgress', { lab: 'vm-lab', currentStep: 'own-kernel', passed: ['own-kernel'], hintsShown: {}, solutionsShown: [] });
    const views: TerminalView[] = [];
    for (const [i, machine] of ['box', 'vm'].entries()) {
      const t = await client.ok<{ id: string }>('openTerminal', { session: id, machine, cols: 80, rows: 24 });
      const view = await TerminalView.attach(client, t.id, i + 1);
      view.type('echo alive-$((6*7))\n');
      await view.waitFor(/alive-42/, 0, 60_000);
      views.push(view);
    }
    assert.equal(await qemuCount(), qemuBefore + 2, 'the VMs\' QEMU run (the server\'s and the CLI\'s)');

    const engineEvents = () => client.events.filter((e): e is Extract<EventMessage, { event: 'engine' }> => e.event === 'engine').map((e) => e.engine);
    let stoppedMs = 0;
    let down: EngineStatus;
    let noticedMs: number;
    const t0 = Date.now();
    try {
      stoppedMs = await stopEngine();
      down = await until('the engine "down" event', () => engineEvents().find((e) => e.state === 'down'), 30_000);
      noticedMs = Date.now() - t0;
      assert.equal(down.message, 'The Docker engine stopped — waiting for it…');
      for (const v of views) await v.waitForExit(30_000);
    } finally {
      await ensureEngine();
    }
    const back = Date.now();
    const up = await until('the engine "up" event', () => engineEvents().find((e) => e.state === 'up'), 120_000);
    const endedMs = Date.now() - back;
    assert.deepEqual(up.ended, [id]);
    assert.match(up.message, /The Docker engine is back/);
    const ran = await cliRun.result;
    assert.equal(ran.code, 1, ran.stderr);
    assert.match(ran.stderr, /The Docker engine stopped — waiting for it…/);
    assert.match(ran.stderr, /The Docker engine is back after [\d.]+ s; it stopped this lab's machines\.\n/);
    assert.match(ran.stderr, new RegExp(`Session ${cliSession} ended\\. Start it again with: labvisor run `));
    assert.deepEqual(await labelled(docker, cliSession), nothing, 'nothing of the CLI\'s session is left');

    const last = client.events.filter((e): e is Extract<EventMessage, { event: 'session' }> => e.event === 'session' && e.session.id === id).at(-1)!.session;
    assert.equal(last.state, 'stopped');
    assert.match(last.error ?? '', /The Docker engine restarted and stopped this lab's machines/);
    assert.deepEqual((await client.ok<{ sessions: SessionInfo[] }>('listSessions', {})).sessions, []);
    assert.deepEqual(await labelled(docker, id), nothing, 'nothing of the session is left on the engine');
    assert.equal(await qemuCount(), qemuBefore, 'no QEMU process left');
    const progress = await client.ok<{ currentStep?: string; passed: string[] }>('getProgress', { lab: 'vm-lab' });
    assert.equal(progress.currentStep, 'own-kernel', 'the learner\'s step is kept');
    assert.deepEqual(progress.passed, [], 'the checks\' marks went with the machines');
    console.log(`figures: dockerd stop ${stoppedMs} ms; noticed ${noticedMs!} ms after SIGTERM; session ended ${endedMs} ms after the engine answered`);

    // Start over: the same server, on the restarted engine.
    const again = await client.ok<SessionInfo>('startLab', { lab: 'vm-lab' });
    assert.equal(again.state, 'running');
    await client.ok('stopLab', { session: again.id });
    assert.deepEqual(await labelled(docker, again.id), nothing);
  });
});
