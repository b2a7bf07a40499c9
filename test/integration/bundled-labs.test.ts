// Every bundled lab, end to end through the CLI on a real engine and real QEMU, with the client
// apart from the engine (its own PID and mount namespaces, a private /tmp and HOME: what a laptop
// with Docker Desktop or a remote engine is): `run ID --solve --json` must pass every step (each
// check failed first, the solution ran, the check passed) and leave nothing behind — no labelled
// resource, no container the learner made by hand (lv-<session>-…), no QEMU process.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { loadLab } from '../../electron/engine/labs/load.js';
import { cli, cliApart, engineOrSkip, labelled, nothing, root, spawnApart, vmSkip } from './support.js';

const engine = await engineOrSkip();
const vms = await vmSkip(engine, 'the bundled labs with VMs');
const unshare = (() => {
  try {
    execFileSync('unshare', ['--pid', '--fork', '--mount-proc', '--mount', 'true'], { stdio: 'ignore' });
    return undefined;
  } catch (err) {
    if (process.env.CI) throw new Error(`the client-apart runs need unshare (util-linux) as root in CI: ${(err as Error).message}`);
    return 'cannot unshare namespaces (util-linux, root)';
  }
})();
const skip = engine.skip || vms || unshare;
const BUNDLED = readdirSync(join(root, 'labs')).sort();

/** QEMU processes of a session, as the engine's host sees them. */
function qemuOf(session: string): number[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try { return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`lv-${session}-`); } catch { return false; }
  }).map(Number);
}

interface RunJson {
  lab: string; ok: boolean; session: string;
  machines: { name: string; kind: string; readyMs: number }[];
  steps: { id: string; ok: boolean; ms: number; message: string }[];
}

async function stepIds(id: string): Promise<string[]> {
  const lab = await loadLab(join(root, 'labs', id));
  return lab.lab.steps.map((s) => s.id);
}

async function leftBehind(docker: Docker, session: string) {
  const named = await docker.listContainers({ all: true, filters: { name: [`lv-${session}`] } });
  return { labelled: await labelled(docker, session), named: named.map((c) => c.Names[0]) };
}

function assertSolved(out: RunJson, id: string, ids: string[]) {
  assert.equal(out.lab, id);
  assert.equal(out.ok, true, JSON.stringify(out.steps));
  assert.deepEqual(out.steps.map((s) => s.id), ids);
  for (const s of out.steps) assert.equal(s.ok, true, `step ${s.id}: ${s.message}`);
  for (const vm of out.machines.filter((m) => m.kind === 'vm')) assert.ok(vm.readyMs > 0, `the lab booted its VM ${vm.name}`);
}

describe('bundled labs, solved end to end', { skip }, () => {
  const docker = engine.docker as Docker;

  test('the client apart sees none of the engine host\'s processes; its /tmp, HOME and files are its own', async () => {
    const dockerd = readdirSync('/proc').find((p) => /^\d+$/.test(p) && readFileSync(`/proc/${p}/comm`, 'utf8').trim() === 'dockerd');
    assert.ok(dockerd, 'dockerd runs here');
    const probe = `lv-apart-probe-${process.pid}`;
    const { dir, done } = spawnApart(['sh', '-c', `ls /proc/${dockerd} >/dev/null 2>&1 && echo sees-dockerd; touch /tmp/${probe} "$HOME/mine"; ` +
      `echo "$HOME $TMPDIR $LABVISOR_DATA_DIR"; ls /tmp | tr '\\n' ' '`]);
    try {
      const r = await done;
      assert.equal(r.code, 0, r.stderr);
      const [dirs, listed] = r.stdout.trim().split('\n');
      assert.equal(dirs, '/tmp/home /tmp /tmp/data', 'HOME, TMPDIR and the data dir in its private /tmp');
      const checkout = root.startsWith('/tmp/') ? [root.split('/')[2]!] : [];
      assert.deepEqual(listed!.trim().split(' ').sort(), ['data', 'home', probe, ...checkout].sort(), 'no dockerd in sight; /tmp is its own');
      assert.equal(existsSync(`/tmp/${probe}`), false, 'what it wrote in its /tmp is not in the engine side\'s /tmp');
      assert.deepEqual(readdirSync(dir), [], 'nor in the folder its tmpfs was mounted on');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  for (const id of BUNDLED) {
    test(`run ${id} --solve --json, the client apart from the engine: every step passes, nothing is left`, async () => {
      const r = await cliApart(['run', id, '--solve', '--json']);
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as RunJson;
      assertSolved(out, id, await stepIds(id));
      assert.deepEqual(await leftBehind(docker, out.session), { labelled: nothing, named: [] });
      assert.deepEqual(qemuOf(out.session), [], 'no QEMU process left');
    });
  }

  test('run scope --solve --json: every step passes; the system container\'s PID 1 is its own init; nothing is left', async () => {
    const r = await cli(['run', 'scope', '--solve', '--keep', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as RunJson;
    try {
      assertSolved(out, 'scope', await stepIds('scope'));
      // What the lab teaches: busybox init is PID 1 of the system container (no docker-init
      // above it), while the app container got docker-init.
      const comm = (name: string) => execFileSync('docker', ['exec', `lv-${out.session}-${name}`, 'cat', '/proc/1/comm'], { encoding: 'utf8' }).trim();
      assert.equal(comm('system'), 'init');
      const app = await docker.getContainer(`lv-${out.session}-app`).inspect();
      assert.equal(app.HostConfig.Init, true);
      assert.equal(app.State.Running, false, 'the app container stopped when its program was killed');
    } finally {
      const stop = await cli(['stop', out.session]);
      assert.equal(stop.code, 0, stop.stderr);
    }
    assert.deepEqual(await leftBehind(docker, out.session), { labelled: nothing, named: [] });
  });
});
