// An ssh:// engine through the system's ssh client: `ssh -nNT -L <private>/docker.sock:/var/run/docker.sock`
// forwards the remote engine's socket to a unix socket in a private folder, and dockerode talks
// to that. (dockerode's own ssh transport stalls under concurrent requests; OpenSSH also brings
// the learner's ~/.ssh/config, agent and known hosts.) The remote socket is /var/run/docker.sock.
//
// The ssh child never outlives the app: it runs under a small sh supervisor that holds a pipe
// from this process and stops ssh when that pipe closes, which happens when this process exits
// in any way (also SIGKILL) or calls close(); the supervisor then removes the private folder.
import { EngineSettingsError, EngineUnreachableError } from '../errors.js';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { splitCommandLine } from './command-line-words.js';

/** Where the engine's socket is on the ssh host (as `docker system dial-stdio` finds it there by default). */
export const REMOTE_SOCKET = '/var/run/docker.sock';

export interface SshTarget { url: string; host: string; port?: number; user?: string; foundBy?: string }

export interface SshForward {
  /** The local end: a unix socket in a folder only this user can open. */
  socket: string;
  /** The last line ssh wrote on stderr ('' when none): why a channel failed, once connected. */
  lastError(): string;
  /** Stops ssh and removes the private folder; resolves when ssh is gone. */
  close(): Promise<void>;
}

/**
 * The supervisor: $1 the private folder, the rest ssh's command line. ssh gets no stdin; fd 3
 * keeps the pipe from the app, watched by a subshell that stops ssh when it reads end of file.
 */
const SUPERVISOR = `
dir=$1; shift
exec 3<&0
"$@" </dev/null 3<&- &
ssh=$!
( read -r _ <&3; kill "$ssh" 2>/dev/null ) </dev/null &
watch=$!
exec 3<&-
trap 'kill "$ssh" "$watch" 2>/dev/null; rm -rf "$dir"; exit 143' TERM INT HUP
wait "$ssh"; rc=$?
kill "$watch" 2>/dev/null
rm -rf "$dir"
exit "$rc"
`;

/** The ssh command: LABVISOR_SSH_COMMAND (a command line, as GIT_SSH_COMMAND) or `ssh`. */
export function sshCommand(env: Record<string, string | undefined> = process.env): string[] {
  const line = env.LABVISOR_SSH_COMMAND?.trim();
  if (!line) return ['ssh'];
  let words: string[];
  try {
    words = splitCommandLine(line);
  } catch (err) {
    throw new EngineSettingsError(line, `LABVISOR_SSH_COMMAND: ${(err as Error).message}`);
  }
  if (!words.length) return ['ssh'];
  return words;
}

/** ssh's arguments (after the command's own) for a forward to `socket`. */
export function sshForwardArgs(target: SshTarget, socket: string, timeoutMs: number): string[] {
  return [
    '-nNT',
    '-o', 'ExitOnForwardFailure=yes', '-o', 'BatchMode=yes',
    '-o', `ConnectTimeout=${Math.max(1, Math.ceil(timeoutMs / 1000))}`,
    '-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=3',
    ...(target.port ? ['-p', String(target.port)] : []),
    '-L', `${socket}:${REMOTE_SOCKET}`,
    '--', target.user ? `${target.user}@${target.host}` : target.host,
  ];
}

interface Live { child: ChildProcess; dir: string }
const live = new Set<Live>();
let exitHookInstalled = false;

/** On a normal exit, stop every forward at once (the supervisor would, a moment later). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const f of live) {
      try { process.kill(-f.child.pid!, 'SIGTERM'); } catch { /* already gone */ }
      try { rmSync(f.dir, { recursive: true, force: true }); } catch { /* best effort */ }
    }
  });
}

const lastLine = (text: string) => text.trim().split('\n').map((l) => l.trim()).filter(Boolean).pop() ?? '';

/** Why ssh could not open the forward, and what to do about it. */
function sshFailure(target: SshTarget, command: string[], code: number | null, stderr: string): EngineUnreachableError {
  const line = lastLine(stderr);
  const login = [...command, ...(target.port ? ['-p', String(target.port)] : []), target.user ? `${target.user}@${target.host}` : target.host].join(' ');
  let fix: string;
  if (code === 127) {
    fix = 'install an OpenSSH client (Debian: sudo apt-get install openssh-client), or set LABVISOR_SSH_COMMAND to one.';
  } else if (/Permission denied|Host key verification failed|Too many authentication failures/i.test(line)) {
    fix = `make \`${login}\` log in without a prompt (a key in ssh-agent or ~/.ssh/config; a known host key); ` +
      'LABVISOR_SSH_COMMAND sets another ssh command or options.';
  } else if (/refused|timed out|No route|Could not resolve|Name or service not known|unreachable/i.test(line)) {
    fix = `check the host and port in ${target.url} and that sshd runs there.`;
  } else {
    fix = `run \`${login}\` to see what ssh needs.`;
  }
  const reason = line ? `ssh: ${line.replace(/^ssh:\s*/, '')}` : `ssh exited with code ${code} and said nothing`;
  return new EngineUnreachableError(target.url, reason.replace(/\.$/, ''), { fix, ...(target.foundBy && target.foundBy !== 'DOCKER_HOST' ? { foundBy: target.foundBy } : {}) });
}

/** Starts the forward and waits until its local socket exists (ssh logged in), within timeoutMs. */
export async function openSshForward(target: SshTarget, timeoutMs: number, env: Record<string, string | undefined> = process.env): Promise<SshForward> {
  if (process.platform === 'win32') {
    throw new EngineSettingsError(target.url, `${target.url}: ssh:// engines are not supported on Windows yet; use a docker context with tcp:// and TLS, or Docker Desktop`);
  }
  const command = sshCommand(env);
  const dir = mkdtempSync(join(tmpdir(), 'labvisor-ssh-'));
  const socket = join(dir, 'docker.sock');
  const child = spawn('/bin/sh', ['-c', SUPERVISOR, 'labvisor-ssh', dir, ...command, ...sshForwardArgs(target, socket, timeoutMs)], {
    detached: true, // its own process group: a Ctrl-C meant for the app does not cut the engine off while the app cleans up
    stdio: ['pipe', 'ignore', 'pipe'],
  });
  const entry: Live = { child, dir };
  live.add(entry);
  installExitHook();
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => { stderr = (stderr + c.toString()).slice(-8192); });
  child.stdin!.on('error', () => { /* the supervisor is gone: nothing to tell it */ });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => { live.delete(entry); resolve(code); }));
  let exitCode: number | null | undefined;
  void exited.then((code) => { exitCode = code; });
  // Neither the child nor its pipes keep this process alive: the app decides when it ends.
  child.unref();
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  (child.stderr as unknown as { unref?: () => void }).unref?.();

  const close = async () => {
    if (exitCode === undefined) {
      child.stdin!.end();
      const killer = setTimeout(() => { try { process.kill(-child.pid!, 'SIGKILL'); } catch { /* gone */ } }, 2000);
      await exited;
      clearTimeout(killer);
    }
    live.delete(entry);
    rmSync(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exitCode !== undefined) {
      rmSync(dir, { recursive: true, force: true });
      throw sshFailure(target, command, exitCode, stderr);
    }
    if (existsSync(socket)) {
      stderr = ''; // from here on, only what ssh says about the forward's channels
      return { socket, lastError: () => lastLine(stderr), close };
    }
    if (Date.now() > deadline) {
      await close();
      const said = lastLine(stderr);
      throw new EngineUnreachableError(target.url, `ssh did not open the forward within ${timeoutMs / 1000} s${said ? ` (ssh: ${said})` : ''}`,
        { fix: `check that \`${command.join(' ')} ${target.user ? `${target.user}@` : ''}${target.host}\` logs in quickly, without a prompt.` });
    }
    await new Promise((r) => setTimeout(r, 25));
  }
}
