// Shared by the integration tests: a real engine (or a loud failure in CI), a private data
// dir, the CLI as a child process, and a look at what Labvisor left in the engine.
import type Docker from 'dockerode';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { connectEngine, type EngineInfo } from '../../electron/engine/machines/docker-engine.js';
import { packageRoot } from '../../electron/engine/paths.js';
import { findLocalQemu } from '../../electron/engine/images/local-qemu.js';

process.env.LABVISOR_DATA_DIR ??= mkdtempSync(join(tmpdir(), 'labvisor-test-'));

export const root = packageRoot();
export const fixture = (name: string) => join(root, 'test', 'fixtures', 'labs', name);

/**
 * The real engine. Missing engine: in CI (CI=true) the test file fails loudly; elsewhere its
 * tests are skipped with the reason, so a laptop without Docker can still run unit tests.
 */
export async function engineOrSkip(): Promise<{ docker?: Docker; info?: EngineInfo; skip: string | false }> {
  try {
    const { docker, info } = await connectEngine();
    return { docker, info, skip: false };
  } catch (err) {
    if (process.env.CI) throw new Error(`Integration tests need a Docker engine in CI: ${(err as Error).message}`);
    return { skip: `no Docker engine: ${(err as Error).message.split('\n')[0]}` };
  }
}

export interface CliResult { code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }
export type CliProcess = ChildProcess & { result: Promise<CliResult>; stderrSoFar(): string };

/**
 * `labvisor ARGS` as a child: this checkout's, or another copy's `bin` run in `cwd`. Its host
 * terminals get /bin/sh (as in CI), so a developer's rc files (prompt themes, pyenv's rehash
 * lock) cannot decide what a test sees.
 */
export function startCli(args: string[], env: Record<string, string> = {}, { bin = join(root, 'bin', 'labvisor.js'), cwd = root } = {}): CliProcess {
  const child = spawn(process.execPath, [bin, ...args], {
    cwd, env: { ...process.env, SHELL: '/bin/sh', ...env }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  const result = new Promise<CliResult>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return Object.assign(child, { result, stderrSoFar: () => stderr });
}

export const cli = (args: string[], env?: Record<string, string>, at?: { bin?: string; cwd?: string }) => startCli(args, env, at).result;

/** The first line the child prints on stdout (`labvisor serve`: the URL with the token). */
export function firstStdoutLine(child: CliProcess, timeoutMs = 20_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (c: Buffer) => {
      out += c.toString();
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve(out.slice(0, nl));
    };
    const timer = setTimeout(() => reject(new Error(`no line on stdout; stderr:\n${child.stderrSoFar()}`)), timeoutMs);
    child.stdout!.on('data', onData);
  });
}

/**
 * A stand-in for the system's "open a URL" command (xdg-open, open) in `dir`: no real browser
 * opens, and the test reads the command line `serve --open` gave it. Start the CLI with `env`.
 */
export function fakeUrlOpener(dir: string): { env: Record<string, string>; argv(timeoutMs?: number): Promise<string> } {
  const bin = join(dir, 'bin');
  const opened = join(dir, 'opened');
  mkdirSync(bin, { recursive: true });
  for (const name of ['xdg-open', 'open']) writeFileSync(join(bin, name), `#!/bin/sh\nprintf '%s\\n' "$*" > '${opened}'\n`, { mode: 0o755 });
  // No desktop's default browser either (xdg-open asks xdg-mime first when there is a display).
  writeFileSync(join(bin, 'xdg-mime'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  return {
    // The `open` package runs its own copy of xdg-open on Linux, which, on no known desktop, runs
    // $BROWSER; on macOS it runs `open` from PATH.
    env: { PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`, BROWSER: join(bin, 'xdg-open'), DE: 'generic', XDG_CURRENT_DESKTOP: '' },
    argv: async (timeoutMs = 10_000) => {
      const deadline = Date.now() + timeoutMs;
      while (!existsSync(opened) || !readFileSync(opened, 'utf8').endsWith('\n')) {
        if (Date.now() > deadline) throw new Error('the browser was never asked to open a URL');
        await new Promise((r) => setTimeout(r, 50));
      }
      return readFileSync(opened, 'utf8').trim();
    },
  };
}

/** Resolves with the first group of a match in everything the child printed, or rejects after timeoutMs. */
export function waitForStderr(child: CliProcess, pattern: RegExp, timeoutMs = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const look = () => {
      const m = pattern.exec(child.stderrSoFar());
      if (!m) return false;
      clearTimeout(timer);
      child.stderr!.off('data', look);
      resolve(m[1] ?? m[0]);
      return true;
    };
    const timer = setTimeout(() => {
      child.stderr!.off('data', look);
      reject(new Error(`timed out waiting for ${pattern}; stderr so far:\n${child.stderrSoFar()}`));
    }, timeoutMs);
    if (!look()) child.stderr!.on('data', look);
  });
}

/** Containers, volumes and networks labelled with a session (optionally one session). */
export async function labelled(docker: Docker, session?: string): Promise<{ containers: string[]; volumes: string[]; networks: string[] }> {
  const filters = { label: [session ? `io.labvisor.session=${session}` : 'io.labvisor.session'] };
  const [c, v, n] = await Promise.all([
    docker.listContainers({ all: true, filters }), docker.listVolumes({ filters }), docker.listNetworks({ filters }),
  ]);
  return { containers: c.map((x) => x.Names[0]!), volumes: (v.Volumes ?? []).map((x) => x.Name), networks: n.map((x) => x.Name) };
}

export const nothing = { containers: [], volumes: [], networks: [] };

/**
 * Runs `argv` with the client apart from the engine, the way a laptop with Docker Desktop or a
 * remote engine is: in its own PID and mount namespaces (it sees none of the engine's
 * processes), with /tmp, HOME and the data dir on a tmpfs only it can see (a path of its
 * bind-mounted into a container would be an empty folder on the engine's side). Only the
 * engine's socket joins them. A checkout under /tmp (CI's clone) is bound back at its own path
 * in the private /tmp, so the CLI still runs. Linux with util-linux `unshare`, as root.
 */
export function spawnApart(argv: string[]): { dir: string; done: Promise<CliResult> } {
  const dir = mkdtempSync(join(tmpdir(), 'labvisor-apart-'));
  const setup = 'set -e; mount -t tmpfs tmpfs "$LV_APART"; mkdir -p "$LV_APART/home" "$LV_APART/data"; ' +
    'case "$LV_ROOT" in /tmp/*) mkdir -p "$LV_APART/${LV_ROOT#/tmp/}"; mount --bind "$LV_ROOT" "$LV_APART/${LV_ROOT#/tmp/}";; esac; ' +
    'mount --rbind "$LV_APART" /tmp; exec env HOME=/tmp/home TMPDIR=/tmp LABVISOR_DATA_DIR=/tmp/data "$@"';
  const child = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--mount', 'sh', '-c', setup, 'apart', ...argv], {
    cwd: root, env: { ...process.env, SHELL: '/bin/sh', LV_APART: dir, LV_ROOT: root }, stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr!.on('data', (c: Buffer) => { stderr += c.toString(); });
  const done = new Promise<CliResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { dir, done };
}

/** `labvisor ARGS` with the client apart from the engine (spawnApart). */
export async function cliApart(args: string[]): Promise<CliResult> {
  const { dir, done } = spawnApart([process.execPath, join(root, 'bin', 'labvisor.js'), ...args]);
  try {
    return await done;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Why VM tests cannot run, or false. VMs need the runner image, which a test machine makes from
 * its own QEMU (no registry here): in CI a missing QEMU fails the test file loudly.
 */
export async function vmSkip(engine: { info?: EngineInfo; skip: string | false }, what: string): Promise<string | false> {
  if (engine.skip || !engine.info) return engine.skip;
  const local = await findLocalQemu(engine.info);
  if (local.binaries.length) return false;
  if (process.env.CI) throw new Error(`${what} need QEMU in CI, to make the VM runner image: ${local.why}`);
  return `no QEMU to make the VM runner image: ${local.why}`;
}

/** Runs fn with these environment variables set, restoring them after. */
export async function withEnv<T>(vars: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k]; else process.env[k] = v;
  }
}
