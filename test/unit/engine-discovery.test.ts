// Finding the engine as the docker CLI does, against temp DOCKER_CONFIG folders: the order
// (DOCKER_HOST, DOCKER_CONTEXT, config.json's currentContext, local sockets), the address forms,
// TLS, and every error's one line. Nothing here connects; test/integration/engine-discovery.test.ts does.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextDigest, localCandidates, resolveEngine, type DiscoveryInput } from '../../electron/engine/machines/engine-discovery.js';
import { parseEngineUrl, type EngineEndpoint } from '../../electron/engine/machines/engine-endpoint.js';
import { splitCommandLine } from '../../electron/engine/machines/command-line-words.js';
import { sshCommand, sshForwardArgs } from '../../electron/engine/machines/ssh-forward.js';
import { EngineSettingsError, EngineUnreachableError } from '../../electron/engine/errors.js';

const homes: string[] = [];
after(() => { for (const h of homes) rmSync(h, { recursive: true, force: true }); });

/** A fake home with an empty ~/.docker; `sockets` are the engine sockets that "exist". */
function world(env: Record<string, string> = {}, sockets: string[] = []): DiscoveryInput & { home: string; config: string } {
  const home = mkdtempSync(join(tmpdir(), 'labvisor-discovery-'));
  homes.push(home);
  const config = join(home, '.docker');
  mkdirSync(config);
  return { env, home, config, platform: 'linux', socketExists: (p) => sockets.includes(p) };
}

function writeConfig(dir: string, value: unknown): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'config.json'), typeof value === 'string' ? value : JSON.stringify(value));
}

/** A context as `docker context create` stores it; `tls` files go to its TLS folder. */
function writeContext(dir: string, name: string, host: string, opts: { skipTls?: boolean; tls?: string[] } = {}): string {
  const meta = join(dir, 'contexts', 'meta', contextDigest(name));
  mkdirSync(meta, { recursive: true });
  writeFileSync(join(meta, 'meta.json'), JSON.stringify({
    Name: name, Metadata: {}, Endpoints: { docker: { Host: host, SkipTLSVerify: opts.skipTls ?? false } },
  }));
  const tls = join(dir, 'contexts', 'tls', contextDigest(name), 'docker');
  if (opts.tls) {
    mkdirSync(tls, { recursive: true });
    for (const f of opts.tls) writeFileSync(join(tls, f), `${f}\n`);
  }
  return tls;
}

function settingsError(fn: () => unknown): EngineSettingsError {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof EngineSettingsError, `expected an EngineSettingsError, got ${String(err)}`);
    assert.ok(err instanceof EngineUnreachableError, 'callers that tell EngineUnreachableError apart tell it apart too');
    assert.doesNotMatch(err.message, /\n/, 'one line');
    return err;
  }
  assert.fail('no error');
}

const pick = (e: EngineEndpoint) => ({ url: e.url, foundBy: e.foundBy, source: e.source });

test('a context\'s folder is the SHA-256 of its name, as in the docker CLI\'s store', () => {
  assert.equal(contextDigest('default'), '37a8eec1ce19687d132fe29051dca629d164e2c4958ba141d5f4133a33f0688f');
});

test('the order: DOCKER_HOST, then DOCKER_CONTEXT, then config.json\'s currentContext, then sockets', () => {
  const w = world({}, ['/var/run/docker.sock', '/ctx/env.sock', '/ctx/file.sock']);
  writeConfig(w.config, { currentContext: 'from-file' });
  writeContext(w.config, 'from-file', 'unix:///ctx/file.sock');
  writeContext(w.config, 'from-env', 'unix:///ctx/env.sock');

  assert.deepEqual(pick(resolveEngine(w)), { url: 'unix:///ctx/file.sock', foundBy: 'docker context "from-file" (~/.docker/config.json)', source: 'config' });
  w.env.DOCKER_CONTEXT = 'from-env';
  assert.deepEqual(pick(resolveEngine(w)), { url: 'unix:///ctx/env.sock', foundBy: 'DOCKER_CONTEXT=from-env', source: 'DOCKER_CONTEXT' });
  w.env.DOCKER_HOST = 'tcp://10.0.0.5:2375';
  assert.deepEqual(pick(resolveEngine(w)), { url: 'tcp://10.0.0.5:2375', foundBy: 'DOCKER_HOST', source: 'DOCKER_HOST' });
  // Empty variables count as unset, as in the docker CLI.
  w.env.DOCKER_HOST = '';
  w.env.DOCKER_CONTEXT = '';
  assert.equal(resolveEngine(w).foundBy, 'docker context "from-file" (~/.docker/config.json)');
  writeConfig(w.config, {});
  assert.deepEqual(pick(resolveEngine(w)), { url: 'unix:///var/run/docker.sock', foundBy: 'default socket /var/run/docker.sock', source: 'socket' });
});

test('DOCKER_CONFIG moves the config and the context store, and foundBy names that file', () => {
  const w = world({}, ['/elsewhere.sock']);
  const dir = join(w.home, 'custom-config');
  writeConfig(dir, { auths: {}, currentContext: 'ctx' });
  writeContext(dir, 'ctx', 'unix:///elsewhere.sock');
  w.env.DOCKER_CONFIG = dir;
  assert.equal(resolveEngine(w).foundBy, 'docker context "ctx" (~/custom-config/config.json)');
  w.env.DOCKER_CONFIG = '/nonexistent/labvisor-config';
  assert.equal(resolveEngine(w).source, 'socket', 'no config.json there: no context');
});

test('the "default" context means no context: the local sockets', () => {
  const w = world({ DOCKER_CONTEXT: 'default' }, ['/var/run/docker.sock']);
  assert.equal(resolveEngine(w).foundBy, 'default socket /var/run/docker.sock');
  delete w.env.DOCKER_CONTEXT;
  writeConfig(w.config, { currentContext: 'default' });
  assert.equal(resolveEngine(w).foundBy, 'default socket /var/run/docker.sock');
});

test('local sockets: the first that exists, most common first; none names every one looked for', () => {
  const w = world({ XDG_RUNTIME_DIR: '/run/user/1000' });
  const paths = localCandidates(w).map((c) => c.path);
  const h = w.home;
  assert.deepEqual(paths, [
    '/var/run/docker.sock', `${h}/.docker/run/docker.sock`, '/run/user/1000/docker.sock',
    `${h}/.colima/default/docker.sock`, `${h}/.colima/docker.sock`, `${h}/.rd/docker.sock`, `${h}/.orbstack/run/docker.sock`,
    '/run/user/1000/podman/podman.sock', '/run/podman/podman.sock',
    `${h}/.local/share/containers/podman/machine/podman.sock`, `${h}/.local/share/containers/podman/machine/qemu/podman.sock`,
  ]);
  const found = (sockets: string[]) => resolveEngine({ ...w, socketExists: (p) => sockets.includes(p) });
  assert.deepEqual(pick(found([`${h}/.docker/run/docker.sock`, `${h}/.rd/docker.sock`])),
    { url: `unix://${h}/.docker/run/docker.sock`, foundBy: 'Docker Desktop socket', source: 'socket' });
  assert.equal(found(['/run/user/1000/docker.sock']).foundBy, 'rootless Docker socket ($XDG_RUNTIME_DIR/docker.sock)');
  assert.equal(found([`${h}/.colima/default/docker.sock`]).foundBy, 'colima socket');
  assert.equal(found([`${h}/.rd/docker.sock`]).foundBy, 'Rancher Desktop socket');
  assert.equal(found(['/run/user/1000/podman/podman.sock']).foundBy, 'Podman socket ($XDG_RUNTIME_DIR/podman/podman.sock)');
  assert.equal(found([`${h}/.local/share/containers/podman/machine/podman.sock`]).foundBy, 'Podman machine socket');
  const none = found([]);
  assert.equal(none.url, 'unix:///var/run/docker.sock');
  assert.ok(none.tried?.includes('~/.docker/run/docker.sock'));
  assert.equal(none.tried?.length, paths.length);
  assert.equal(found(['/var/run/docker.sock']).tried, undefined);
});

test('Windows: Docker Desktop\'s named pipe', () => {
  const w = { ...world(), platform: 'win32' as const, socketExists: () => false };
  const e = resolveEngine(w);
  assert.equal(e.url, 'npipe:////./pipe/docker_engine');
  assert.equal(e.scheme, 'npipe');
  assert.equal(resolveEngine({ ...w, socketExists: (p) => p === '//./pipe/docker_engine' }).foundBy, 'Docker Desktop named pipe //./pipe/docker_engine');
});

test('addresses: unix, npipe, tcp (default ports), a bare host:port, ssh with user and port', () => {
  const found = { foundBy: 'DOCKER_HOST', source: 'DOCKER_HOST' } as const;
  const parse = (raw: string, tls = false) => parseEngineUrl(raw, found, `DOCKER_HOST=${raw}`, () => (tls ? { verify: true } : undefined));
  assert.deepEqual(parse('unix:///run/docker.sock'), { ...found, url: 'unix:///run/docker.sock', scheme: 'unix', path: '/run/docker.sock' });
  assert.deepEqual(parse('npipe:////./pipe/docker_engine'), { ...found, url: 'npipe:////./pipe/docker_engine', scheme: 'npipe', path: '//./pipe/docker_engine' });
  assert.deepEqual(parse('tcp://10.1.2.3'), { ...found, url: 'tcp://10.1.2.3:2375', scheme: 'tcp', host: '10.1.2.3', port: 2375 });
  assert.deepEqual(parse('tcp://10.1.2.3', true), { ...found, url: 'tcp://10.1.2.3:2376', scheme: 'tcp', host: '10.1.2.3', port: 2376, tls: { verify: true } });
  assert.equal(parse('engine.example:4243').url, 'tcp://engine.example:4243');
  assert.deepEqual(parse('ssh://ops@build-box:2222'), { ...found, url: 'ssh://ops@build-box:2222', scheme: 'ssh', host: 'build-box', port: 2222, user: 'ops' });
  assert.deepEqual(parse('ssh://build-box'), { ...found, url: 'ssh://build-box', scheme: 'ssh', host: 'build-box' });
  // TLS settings are only asked for (and their files only checked) for tcp://.
  assert.equal(parseEngineUrl('ssh://h', found, 'x', () => assert.fail('no TLS for ssh')).scheme, 'ssh');
});

test('addresses that cannot work: one line naming the setting', () => {
  const parse = (raw: string) => settingsError(() => parseEngineUrl(raw, { foundBy: 'DOCKER_HOST', source: 'DOCKER_HOST' }, `DOCKER_HOST=${raw}`, () => undefined)).message;
  assert.equal(parse('http://h:2375'), 'DOCKER_HOST=http://h:2375: unsupported scheme "http://"; use unix://, npipe://, tcp:// or ssh://');
  assert.equal(parse('unix://'), 'DOCKER_HOST=unix://: unix:// needs a socket path, as in unix:///var/run/docker.sock');
  assert.match(parse('ssh://u:secret@h'), /^DOCKER_HOST=ssh:\/\/u:secret@h: ssh:\/\/ addresses take no password/);
  assert.match(parse('ssh://h/var/run/docker.sock'), /take no path \("\/var\/run\/docker\.sock"\); the engine's socket there is \/var\/run\/docker\.sock$/);
  assert.match(parse('ssh://-oProxyCommand=x'), /may not start with "-"/);
  assert.match(parse('tcp://h:2375/prefix'), /a path after the host \("\/prefix"\) is not supported/);
  assert.match(parse('tcp://h:notaport'), /not an address the docker CLI would take/);
});

test('context errors: unknown name, a missing socket, bad JSON, no docker endpoint', () => {
  const w = world({ DOCKER_CONTEXT: 'x' });
  assert.equal(settingsError(() => resolveEngine(w)).message, 'DOCKER_CONTEXT=x: no such context; `docker context ls` lists them (or unset DOCKER_CONTEXT)');

  delete w.env.DOCKER_CONTEXT;
  writeConfig(w.config, { currentContext: 'gone' });
  assert.equal(settingsError(() => resolveEngine(w)).message,
    'docker context "gone" (currentContext in ~/.docker/config.json): no such context; `docker context ls` lists them, `docker context use default` goes back to the local engine');

  writeContext(w.config, 'gone', 'unix:///tmp/labvisor-no-such-engine.sock');
  assert.equal(settingsError(() => resolveEngine(w)).message,
    'docker context "gone" points at unix:///tmp/labvisor-no-such-engine.sock which does not exist; run `docker context use default` or start the engine');
  w.env.DOCKER_CONTEXT = 'gone';
  assert.equal(settingsError(() => resolveEngine(w)).message,
    'docker context "gone" points at unix:///tmp/labvisor-no-such-engine.sock which does not exist; unset DOCKER_CONTEXT or start the engine');
  delete w.env.DOCKER_CONTEXT;

  writeContext(w.config, 'gone', 'gopher://x');
  assert.equal(settingsError(() => resolveEngine(w)).message, 'docker context "gone": unsupported scheme "gopher://"; use unix://, npipe://, tcp:// or ssh://');

  writeFileSync(join(w.config, 'contexts', 'meta', contextDigest('gone'), 'meta.json'), JSON.stringify({ Name: 'gone', Endpoints: {} }));
  assert.match(settingsError(() => resolveEngine(w)).message,
    /^docker context "gone" has no docker endpoint \(Endpoints\.docker\.Host in ~\/\.docker\/contexts\/meta\/[0-9a-f]{64}\/meta\.json\)/);

  writeFileSync(join(w.config, 'contexts', 'meta', contextDigest('gone'), 'meta.json'), '{"Name": "gone", ');
  assert.match(settingsError(() => resolveEngine(w)).message, /^~\/\.docker\/contexts\/meta\/[0-9a-f]{64}\/meta\.json \(docker context "gone"\) is not valid JSON: /);

  writeConfig(w.config, '{ "currentContext": ');
  assert.match(settingsError(() => resolveEngine(w)).message, /^~\/\.docker\/config\.json \(the docker CLI's config\) is not valid JSON: .*; fix or remove it$/);
});

test('a tcp:// or ssh:// context is taken as it is; its socket is not looked for', () => {
  const w = world({ DOCKER_CONTEXT: 'remote' });
  writeContext(w.config, 'remote', 'ssh://deploy@workshop-server');
  assert.deepEqual(pick(resolveEngine(w)), { url: 'ssh://deploy@workshop-server', foundBy: 'DOCKER_CONTEXT=remote', source: 'DOCKER_CONTEXT' });
});

test('TLS from the environment: DOCKER_TLS_VERIFY needs all three files; each missing one is named with its variable', () => {
  const w = world({ DOCKER_HOST: 'tcp://engine:2376', DOCKER_TLS_VERIFY: '1' });
  const certs = join(w.home, 'certs');
  mkdirSync(certs);
  assert.equal(settingsError(() => resolveEngine(w)).message,
    'DOCKER_TLS_VERIFY is set but ~/.docker/ca.pem does not exist (DOCKER_CERT_PATH is unset, so ~/.docker); point DOCKER_CERT_PATH at the folder with ca.pem, cert.pem and key.pem, or unset DOCKER_TLS_VERIFY');
  w.env.DOCKER_CERT_PATH = certs;
  writeFileSync(join(certs, 'ca.pem'), 'ca');
  writeFileSync(join(certs, 'cert.pem'), 'cert');
  assert.equal(settingsError(() => resolveEngine(w)).message,
    `DOCKER_TLS_VERIFY is set but ~/certs/key.pem does not exist (DOCKER_CERT_PATH=${certs}); point DOCKER_CERT_PATH at the folder with ca.pem, cert.pem and key.pem, or unset DOCKER_TLS_VERIFY`);
  writeFileSync(join(certs, 'key.pem'), 'key');
  const e = resolveEngine(w);
  assert.equal(e.scheme, 'tcp');
  assert.deepEqual(e.scheme === 'tcp' && e.tls, { verify: true, ca: join(certs, 'ca.pem'), cert: join(certs, 'cert.pem'), key: join(certs, 'key.pem') });

  // DOCKER_TLS alone: encrypted, not verified, with the files there are; half a client certificate is an error.
  const t = world({ DOCKER_HOST: 'tcp://engine', DOCKER_TLS: '1' });
  const e2 = resolveEngine(t);
  assert.deepEqual(e2.scheme === 'tcp' && [e2.port, e2.tls], [2376, { verify: false }]);
  writeFileSync(join(t.config, 'cert.pem'), 'cert');
  assert.match(settingsError(() => resolveEngine(t)).message, /^~\/\.docker\/key\.pem does not exist, but ~\/\.docker\/cert\.pem does \(DOCKER_CERT_PATH is unset, so ~\/\.docker\); a client certificate needs both$/);
  // Without TLS variables there is no TLS, whatever ~/.docker holds.
  const plain = resolveEngine(world({ DOCKER_HOST: 'tcp://engine' }));
  assert.deepEqual(plain.scheme === 'tcp' && [plain.port, plain.tls], [2375, undefined]);
});

test('TLS from a context: its TLS folder; SkipTLSVerify alone still means TLS', () => {
  const w = world({ DOCKER_CONTEXT: 'secure' });
  const dir = writeContext(w.config, 'secure', 'tcp://engine:2376', { tls: ['ca.pem', 'cert.pem', 'key.pem'] });
  const e = resolveEngine(w);
  assert.deepEqual(e.scheme === 'tcp' && e.tls, { verify: true, ca: join(dir, 'ca.pem'), cert: join(dir, 'cert.pem'), key: join(dir, 'key.pem') });
  writeContext(w.config, 'skip', 'tcp://engine:2376', { skipTls: true });
  w.env.DOCKER_CONTEXT = 'skip';
  const s = resolveEngine(w);
  assert.deepEqual(s.scheme === 'tcp' && s.tls, { verify: false });
  writeContext(w.config, 'plain', 'tcp://engine:2375');
  w.env.DOCKER_CONTEXT = 'plain';
  const p = resolveEngine(w);
  assert.deepEqual(p.scheme === 'tcp' && p.tls, undefined);
  writeContext(w.config, 'half', 'tcp://engine:2376', { tls: ['key.pem'] });
  w.env.DOCKER_CONTEXT = 'half';
  assert.match(settingsError(() => resolveEngine(w)).message, /cert\.pem does not exist, but .*key\.pem does \(docker context "half"'s TLS folder ~\/\.docker\/contexts\/tls\/[0-9a-f]{64}\/docker\)/);
});

test('LABVISOR_SSH_COMMAND is split as a shell would, like GIT_SSH_COMMAND', () => {
  assert.deepEqual(splitCommandLine('ssh -F /tmp/cfg'), ['ssh', '-F', '/tmp/cfg']);
  assert.deepEqual(splitCommandLine(`  /usr/bin/ssh   -F '/tmp/my config' -o "ProxyJump=a b" x\\ y ""  `), ['/usr/bin/ssh', '-F', '/tmp/my config', '-o', 'ProxyJump=a b', 'x y', '']);
  assert.deepEqual(splitCommandLine(`ssh -o "A=\\"q\\"" 'it'"'"'s'`), ['ssh', '-o', 'A="q"', 'it\'s']);
  assert.throws(() => splitCommandLine('ssh -F "/tmp/cfg'), /unmatched "/);
  assert.deepEqual(sshCommand({}), ['ssh']);
  assert.deepEqual(sshCommand({ LABVISOR_SSH_COMMAND: '  ' }), ['ssh']);
  assert.deepEqual(sshCommand({ LABVISOR_SSH_COMMAND: 'ssh -F /tmp/cfg' }), ['ssh', '-F', '/tmp/cfg']);
  assert.throws(() => sshCommand({ LABVISOR_SSH_COMMAND: 'ssh \'oops' }), (err: Error) => err instanceof EngineSettingsError && /^LABVISOR_SSH_COMMAND: unmatched '/.test(err.message));
});

test('the ssh forward: no stdin, no terminal, no prompt, the engine socket to a private socket, the destination after --', () => {
  assert.deepEqual(sshForwardArgs({ url: 'ssh://ops@h:2222', host: 'h', port: 2222, user: 'ops' }, '/tmp/p/docker.sock', 10_000), [
    '-nNT', '-o', 'ExitOnForwardFailure=yes', '-o', 'BatchMode=yes', '-o', 'ConnectTimeout=10',
    '-o', 'ServerAliveInterval=15', '-o', 'ServerAliveCountMax=3',
    '-p', '2222', '-L', '/tmp/p/docker.sock:/var/run/docker.sock', '--', 'ops@h',
  ]);
  assert.deepEqual(sshForwardArgs({ url: 'ssh://h', host: 'h' }, '/s', 2500).slice(-4), ['-L', '/s:/var/run/docker.sock', '--', 'h']);
});
