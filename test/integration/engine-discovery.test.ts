// The engine found as the docker CLI finds it, end to end with the `labvisor` command: through a
// docker context (no DOCKER_HOST), through ssh:// to a real private sshd, through tcp:// with TLS
// client certificates, and the clear one-line errors when the way there is wrong. In CI
// (CI=true) a missing engine, sshd or openssl fails the file instead of skipping it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { createServer as createTlsServer, type Server as TlsServer } from 'node:tls';
import { homedir, tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { connectEngine } from '../../electron/engine/machines/docker-engine.js';
import { contextDigest, tilde } from '../../electron/engine/machines/engine-discovery.js';
import { onPath } from '../../electron/engine/which.js';
import { cli, engineOrSkip, fixture, startCli, waitForStderr } from './support.js';

const engine = await engineOrSkip();
const engineSocket = engine.info?.target.startsWith('unix://') ? engine.info.target.slice('unix://'.length) : undefined;

/** A tool these tests need: its absence skips them, except in CI where it fails the file. */
function required(what: string, present: boolean, fix: string): string | false {
  if (present) return false;
  if (process.env.CI) throw new Error(`The engine discovery tests need ${what} in CI: ${fix}`);
  return `no ${what} (${fix})`;
}

const scratch = mkdtempSync(join(tmpdir(), 'labvisor-discovery-it-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

/** The CLI's environment with no engine settings of the developer's or CI's: only what a test gives. */
const clean = (env: Record<string, string>): Record<string, string> => ({
  DOCKER_HOST: '', DOCKER_CONTEXT: '', DOCKER_TLS_VERIFY: '', DOCKER_TLS: '', DOCKER_CERT_PATH: '', LABVISOR_SSH_COMMAND: '', ...env,
});

/** A context as `docker context create NAME --docker host=HOST` stores it, made current in config.json. */
function writeContext(configDir: string, name: string, host: string): void {
  const meta = join(configDir, 'contexts', 'meta', contextDigest(name));
  mkdirSync(meta, { recursive: true });
  writeFileSync(join(meta, 'meta.json'), JSON.stringify({ Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: false } } }));
  writeFileSync(join(configDir, 'config.json'), JSON.stringify({ auths: {}, currentContext: name }));
}

function assertOneLine(stderr: string, pattern: RegExp): void {
  const lines = stderr.trim().split('\n');
  assert.equal(lines.length, 1, `one line, got:\n${stderr}`);
  assert.match(lines[0]!, pattern);
  assert.doesNotMatch(stderr, /at .*\.js:\d+/, 'no stack trace');
}

const freePort = () => new Promise<number>((resolve, reject) => {
  const server = createServer();
  server.on('error', reject);
  server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as AddressInfo;
    server.close(() => resolve(port));
  });
});

describe('through a docker context, without DOCKER_HOST', { skip: engine.skip || (!engineSocket && 'the engine is not on a unix socket') }, () => {
  // The context's socket is a symlink in a temp folder: an engine reached at that path was found by the context, not by a default socket.
  const config = join(scratch, 'docker-config');
  const link = join(scratch, 'ctx', 'engine.sock');
  const env = clean({ DOCKER_CONFIG: config });

  before(() => {
    mkdirSync(join(scratch, 'ctx'), { recursive: true });
    symlinkSync(engineSocket!, link);
    writeContext(config, 'labvisor-test', `unix://${link}`);
  });

  test('the docker CLI reads the same store: its context is the one written here', async (t) => {
    const docker = await onPath('docker');
    if (!docker) return t.skip('no docker CLI');
    const host = execFileSync(docker, ['context', 'inspect', '--format', '{{.Endpoints.docker.Host}}'], { env: { ...process.env, ...env } }).toString().trim();
    assert.equal(host, `unix://${link}`);
  });

  test('doctor --json reaches the engine at the context\'s socket and says it was found by the context', async () => {
    const r = await cli(['doctor', '--json'], env);
    const report = JSON.parse(r.stdout);
    assert.equal(report.engine.target, `unix://${link}`);
    assert.equal(report.engine.foundBy, `docker context "labvisor-test" (${tilde(join(config, 'config.json'), homedir())})`);
    const byId = Object.fromEntries(report.checks.map((c: { id: string }) => [c.id, c]));
    assert.equal(byId.engine.status, 'ok', r.stderr);
    assert.match(byId.engine.detail, /^Docker \S+ \(API [\d.]+, .+\) at unix:\/\/.*engine\.sock, found by docker context "labvisor-test"/);
    assert.match(byId['engine-location'].detail, /^local: the engine shares this machine's kernel \(containers report this machine's boot id\)/);
    assert.equal(byId['engine-location'].sharesKernel, true);
  });

  test('run probe-lab --solve through the context; its host step\'s docker CLI follows the same context', async () => {
    const r = await cli(['run', fixture('probe-lab'), '--trust', '--solve', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).ok, true);
    assert.match(r.stderr, new RegExp(`on unix://${link.replace(/[/.]/g, '\\$&')}`));
  });

  test('a context whose socket is missing: one clear line, exit 1', async () => {
    const gone = join(scratch, 'gone-config');
    mkdirSync(gone);
    writeContext(gone, 'gone', `unix://${join(scratch, 'no-engine-here.sock')}`);
    const r = await cli(['run', fixture('probe-lab'), '--trust', '--solve'], clean({ DOCKER_CONFIG: gone }));
    assert.equal(r.code, 1);
    assertOneLine(r.stderr, /^labvisor: docker context "gone" points at unix:\/\/\S+no-engine-here\.sock which does not exist; run `docker context use default` or start the engine$/);
  });

  test('an unknown DOCKER_CONTEXT: one clear line, exit 1', async () => {
    const r = await cli(['gc', '--dry-run'], clean({ DOCKER_CONFIG: config, DOCKER_CONTEXT: 'nope' }));
    assert.equal(r.code, 1);
    assertOneLine(r.stderr, /^labvisor: DOCKER_CONTEXT=nope: no such context; `docker context ls` lists them \(or unset DOCKER_CONTEXT\)$/);
  });
});

const sshd = '/usr/sbin/sshd';
const sshSkip = engine.skip || required('an OpenSSH server and client', existsSync(sshd) && Boolean(await onPath('ssh')) && Boolean(await onPath('ssh-keygen')),
  'run scripts/provision-debian.sh (openssh-server, openssh-client)');

describe('through ssh://, with the system ssh client and a private sshd', { skip: sshSkip }, () => {
  const dir = join(scratch, 'ssh');
  const tmp = join(scratch, 'cli-tmp'); // the CLI's TMPDIR: its forward's private folder is made here, and looked for here
  const user = userInfo().username;
  let port = 0;
  let daemon: ChildProcess | undefined;
  let env: Record<string, string> = {};
  let sshPath = '';

  /** ssh processes (and their supervisors) whose command line names a forward in the CLI's TMPDIR. */
  const forwards = () => {
    try {
      return execFileSync('pgrep', ['-af', `${tmp}/labvisor-ssh-`]).toString().trim().split('\n').filter(Boolean);
    } catch {
      return []; // pgrep: nothing matched
    }
  };
  const forwardsGone = async (timeoutMs = 5000) => {
    const deadline = Date.now() + timeoutMs;
    while (forwards().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    assert.deepEqual(forwards(), [], 'no ssh forward outlives the CLI');
    assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('labvisor-ssh-')), [], 'its private folder is removed');
  };

  before(async () => {
    mkdirSync(dir, { recursive: true });
    mkdirSync(tmp, { recursive: true });
    mkdirSync('/run/sshd', { recursive: true }); // sshd's privilege separation folder
    sshPath = (await onPath('ssh'))!;
    for (const key of ['host', 'client', 'stranger']) execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(dir, key)]);
    execFileSync('cp', [join(dir, 'client.pub'), join(dir, 'authorized_keys')]);
    port = await freePort();
    writeFileSync(join(dir, 'sshd_config'), [
      `Port ${port}`, 'ListenAddress 127.0.0.1', `HostKey ${join(dir, 'host')}`, `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
      'PermitRootLogin prohibit-password', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no',
      'StrictModes no', 'UsePAM no', `PidFile ${join(dir, 'sshd.pid')}`, 'AllowStreamLocalForwarding yes', '',
    ].join('\n'));
    const client = (key: string) => [
      'Host *', `  IdentityFile ${join(dir, key)}`, '  IdentitiesOnly yes', '  UserKnownHostsFile /dev/null',
      '  StrictHostKeyChecking no', '  LogLevel ERROR', `  Port ${port}`, '',
    ].join('\n');
    writeFileSync(join(dir, 'ssh_config'), client('client'));
    writeFileSync(join(dir, 'stranger_config'), client('stranger'));

    daemon = spawn(sshd, ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
    let log = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`sshd did not start:\n${log}`)), 10_000);
      daemon!.stderr!.on('data', (c: Buffer) => {
        log += c.toString();
        if (/Server listening on/.test(log)) { clearTimeout(timer); resolve(); }
      });
      daemon!.on('exit', (code) => { clearTimeout(timer); reject(new Error(`sshd exited (${code}):\n${log}`)); });
    });
    env = clean({
      DOCKER_HOST: `ssh://${user}@127.0.0.1:${port}`,
      // An absolute ssh and a quoted path: the command line is split as a shell would.
      LABVISOR_SSH_COMMAND: `${sshPath} -F '${join(dir, 'ssh_config')}'`,
      TMPDIR: tmp,
    });
  });

  after(async () => {
    // A forward a failed test left behind (by pid, found by this file's private TMPDIR), then sshd.
    for (const line of forwards()) {
      try { process.kill(Number(line.split(' ')[0])); } catch { /* gone */ }
    }
    if (daemon && daemon.exitCode === null) {
      const gone = new Promise((r) => daemon!.once('exit', r));
      daemon.kill('SIGTERM');
      await gone;
    }
    daemon?.stderr?.destroy(); // a session child may still hold it
    // gc whatever a failed test left, on the engine reached directly.
    await cli(['gc']);
  });

  test('doctor --json: the engine behind ssh, found by DOCKER_HOST, remote by address yet on this kernel', async () => {
    const r = await cli(['doctor', '--json'], env);
    const report = JSON.parse(r.stdout);
    const byId = Object.fromEntries(report.checks.map((c: { id: string }) => [c.id, c]));
    assert.equal(byId.engine.status, 'ok', `${byId.engine.detail}\n${r.stderr}`);
    assert.equal(report.engine.target, `ssh://${user}@127.0.0.1:${port}`);
    assert.equal(report.engine.foundBy, 'DOCKER_HOST');
    assert.equal(report.engine.location, 'remote');
    assert.equal(byId['engine-location'].sharesKernel, true, byId['engine-location'].detail);
    assert.match(byId['engine-location'].detail, /^remote: reached as a remote engine, yet it shares this machine's kernel/);
    await forwardsGone();
  });

  test('run probe-lab --solve over ssh: images built, machines started, probes, and the host step\'s docker CLI over the same ssh', async () => {
    const r = await cli(['run', fixture('probe-lab'), '--trust', '--solve', '--json'], env);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.ok, true);
    assert.ok(out.steps.every((s: { ok: boolean }) => s.ok));
    assert.match(r.stderr, new RegExp(`on ssh://${user}@127\\.0\\.0\\.1:${port}`));
    await forwardsGone();
  });

  test('connectEngine() in this process: the forward answers concurrent requests, and close() ends ssh and its folder at once', async () => {
    const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
    Object.assign(process.env, env);
    let connection: Awaited<ReturnType<typeof connectEngine>> | undefined;
    try {
      connection = await connectEngine();
      assert.equal(connection.info.foundBy, 'DOCKER_HOST');
      assert.ok(forwards().some((l) => /^\d+ \S*ssh .*-L \S+\/docker\.sock:\/var\/run\/docker\.sock/.test(l)), 'ssh forwards the engine socket');
      // dockerode's own ssh transport stalls here; one forward carries them all.
      const answers = await Promise.all(Array.from({ length: 24 }, (_, i) => (i % 2 ? connection!.docker.ping() : connection!.docker.listContainers())));
      assert.equal(answers.length, 24);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]; else process.env[k] = v;
      }
      await connection?.close();
    }
    assert.deepEqual(forwards(), [], 'close() waited for ssh to end');
    assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('labvisor-ssh-')), []);
  });

  test('a runner killed with SIGKILL takes its ssh forward with it', async () => {
    const victim = startCli(['run', fixture('probe-lab'), '--trust'], env);
    try {
      await waitForStderr(victim, /runs until you press Ctrl-C/, 120_000);
      assert.ok(forwards().some((l) => /ssh .*-L \S+\/docker\.sock:\/var\/run\/docker\.sock/.test(l)), 'the forward runs while the lab does');
      victim.kill('SIGKILL');
      await victim.result;
      await forwardsGone();
    } finally {
      victim.kill('SIGKILL');
      await victim.result;
    }
  });

  test('a refused ssh (wrong port): one clear message, exit 1, no stack trace, nothing left', async () => {
    const closed = await freePort();
    const r = await cli(['run', fixture('probe-lab'), '--trust', '--solve'], { ...env, DOCKER_HOST: `ssh://${user}@127.0.0.1:${closed}` });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^labvisor: Cannot reach the Docker engine at ssh://${user}@127\\.0\\.0\\.1:${closed}: ` +
      `ssh: connect to host 127\\.0\\.0\\.1 port ${closed}: Connection refused\\.\\nFix: check the host and port in ssh://\\S+ and that sshd runs there\\.\\n$`));
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
    await forwardsGone();
  });

  test('an ssh login refused (a key sshd does not know): ssh\'s last line and how to fix it', async () => {
    const r = await cli(['gc', '--dry-run'], { ...env, LABVISOR_SSH_COMMAND: `${sshPath} -F ${join(dir, 'stranger_config')}` });
    assert.equal(r.code, 1);
    assert.match(r.stderr, new RegExp(`^labvisor: Cannot reach the Docker engine at ssh://${user}@127\\.0\\.0\\.1:${port}: ssh: ${user}@127\\.0\\.0\\.1: Permission denied \\(publickey\\)\\.?\\n` +
      'Fix: make `.*` log in without a prompt'));
    assert.doesNotMatch(r.stderr, /at .*\.js:\d+/);
    await forwardsGone();
  });
});

const tlsSkip = engine.skip || (!engineSocket && 'the engine is not on a unix socket') ||
  required('openssl', Boolean(await onPath('openssl')), 'sudo apt-get install openssl');

describe('through tcp:// with TLS (DOCKER_TLS_VERIFY, DOCKER_CERT_PATH)', { skip: tlsSkip }, () => {
  // A TLS front on 127.0.0.1 that asks for a client certificate from its CA, relaying to the real engine.
  const certs = join(scratch, 'certs');
  let front: TlsServer | undefined;
  let port = 0;

  before(async () => {
    mkdirSync(certs, { recursive: true });
    const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: certs, stdio: ['ignore', 'ignore', 'pipe'] });
    ssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=labvisor test CA', '-keyout', 'ca-key.pem', '-out', 'ca.pem');
    // The server's certificate for 127.0.0.1; the client's as DOCKER_CERT_PATH wants it: cert.pem and key.pem.
    for (const [name, key, cert, ext] of [
      ['server', 'server-key.pem', 'server-cert.pem', 'subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n'],
      ['client', 'key.pem', 'cert.pem', 'extendedKeyUsage=clientAuth\n'],
    ] as const) {
      writeFileSync(join(certs, `${name}.ext`), ext);
      ssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`, '-keyout', key, '-out', `${name}.csr`);
      ssl('x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca-key.pem', '-CAcreateserial', '-days', '1',
        '-extfile', `${name}.ext`, '-out', cert);
    }
    front = createTlsServer({
      key: readFileSync(join(certs, 'server-key.pem')), cert: readFileSync(join(certs, 'server-cert.pem')),
      ca: readFileSync(join(certs, 'ca.pem')), requestCert: true, rejectUnauthorized: true,
    }, (socket) => {
      const upstream = connect(engineSocket!);
      socket.pipe(upstream).pipe(socket);
      const end = () => { socket.destroy(); upstream.destroy(); };
      socket.on('error', end);
      upstream.on('error', end);
    });
    await new Promise<void>((resolve) => front!.listen(0, '127.0.0.1', resolve));
    port = (front!.address() as AddressInfo).port;
  });

  after(() => new Promise<void>((resolve) => (front ? front.close(() => resolve()) : resolve())));

  test('doctor reaches the engine with the client certificate from DOCKER_CERT_PATH', async () => {
    const r = await cli(['doctor', '--json'], clean({ DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certs }));
    const report = JSON.parse(r.stdout);
    const engineCheck = report.checks.find((c: { id: string }) => c.id === 'engine');
    assert.equal(engineCheck.status, 'ok', engineCheck.detail);
    assert.equal(report.engine.target, `tcp://127.0.0.1:${port}`);
    assert.equal(report.engine.location, 'local');
  });

  test('a missing TLS file: one clear line naming the file and the variable', async () => {
    const empty = join(scratch, 'no-certs');
    mkdirSync(empty, { recursive: true });
    const r = await cli(['gc', '--dry-run'], clean({ DOCKER_HOST: `tcp://127.0.0.1:${port}`, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: empty }));
    assert.equal(r.code, 1);
    assertOneLine(r.stderr, new RegExp(`^labvisor: DOCKER_TLS_VERIFY is set but ${empty.replace(/[/.]/g, '\\$&')}/ca\\.pem does not exist \\(DOCKER_CERT_PATH=`));
  });
});
