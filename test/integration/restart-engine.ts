// Restarts the real Docker daemon for the reliability tests, as a Docker Desktop update or a
// laptop's sleep does: SIGTERM to dockerd, wait for it to exit, start it again exactly as
// scripts/provision-debian.sh does, wait for `docker info`. The engine is shared with every other
// test: run these only under `flock -x /tmp/lv-engine.lock`, and always end with a running engine
// (ensureEngine in `finally`), so a failed test does not leave the rest of the suite without one.
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function dockerdPid(): Promise<number | undefined> {
  const { stdout } = await run('pidof', ['dockerd']).catch(() => ({ stdout: '' }));
  const pid = Number(stdout.trim().split(/\s+/)[0]);
  return pid > 0 ? pid : undefined;
}

/** A dockerd that systemd runs is restarted through systemd (which would otherwise start its own beside ours). */
const underSystemd = async (): Promise<boolean> => existsSync('/run/systemd/system') // systemd runs (sd_booted)
  && run('systemctl', ['is-enabled', '--quiet', 'docker']).then(() => true, () => false);

async function answers(): Promise<boolean> {
  return run('docker', ['info', '--format', '{{.ServerVersion}}'], { timeout: 10_000 }).then(() => true, () => false);
}

/** Whether this machine's dockerd is one a test may restart: local, and ours to signal. */
export async function restartableEngine(): Promise<string | false> {
  if (process.env.DOCKER_HOST && !process.env.DOCKER_HOST.startsWith('unix://')) return `the engine is remote (DOCKER_HOST=${process.env.DOCKER_HOST})`;
  if (!(await dockerdPid())) return 'no dockerd process on this machine (Docker Desktop, or a remote engine)';
  if (process.getuid?.() !== 0) return 'restarting dockerd needs root';
  return false;
}

/** Stops dockerd (SIGTERM, as a service manager does) and waits for the process to be gone; ms taken. */
export async function stopEngine(timeoutMs = 60_000): Promise<number> {
  const pid = await dockerdPid();
  if (!pid) throw new Error('no dockerd to stop');
  const t0 = Date.now();
  if (await underSystemd()) await run('systemctl', ['stop', 'docker.socket', 'docker']);
  else process.kill(pid, 'SIGTERM');
  while (existsSync(`/proc/${pid}`)) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`dockerd (pid ${pid}) did not exit within ${timeoutMs} ms of SIGTERM`);
    await sleep(100);
  }
  return Date.now() - t0;
}

/** Starts dockerd unless it runs, as scripts/provision-debian.sh does, and waits until it answers; ms taken. */
export async function ensureEngine(timeoutMs = 60_000): Promise<number> {
  const t0 = Date.now();
  if (!(await dockerdPid()) && await underSystemd()) await run('systemctl', ['start', 'docker']);
  if (!(await dockerdPid())) {
    const child = spawn('sh', ['-c', 'nohup dockerd >/var/log/labvisor-dockerd.log 2>&1 &'], { stdio: 'ignore', detached: true });
    await new Promise((resolve) => child.on('exit', resolve));
  }
  while (!(await answers())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`dockerd did not answer within ${timeoutMs} ms; see /var/log/labvisor-dockerd.log`);
    await sleep(250);
  }
  return Date.now() - t0;
}
