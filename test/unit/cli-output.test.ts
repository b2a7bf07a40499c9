// Results on stdout, logs on stderr, and `--json` with schemaVersion 1 in its documented shape,
// for the commands that need no engine: ls, ps (engine unreachable), lint, schema, completion.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { packageRoot } from '../../electron/engine/paths.js';
import { currentOwner, formatOwner, ownerHost } from '../../electron/engine/owner.js';
import { HELP } from '../../electron/cli/help.js';
import { labvisor } from './cli-support.js';

const scratch = mkdtempSync(join(tmpdir(), 'labvisor-cli-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
const fixture = (name: string) => join(packageRoot(), 'test', 'fixtures', 'labs', name);
const NO_ENGINE = { DOCKER_HOST: 'unix:///nonexistent/labvisor.sock' };

test('ls: the bundled labs with the learner\'s progress; --json in its shape', async () => {
  const data = join(scratch, 'ls-data');
  mkdirSync(join(data, 'progress'), { recursive: true });
  writeFileSync(join(data, 'progress', 'first-steps.json'), JSON.stringify({ lab: 'first-steps', currentStep: 'exec', passed: ['first-container', 'no-such-step'], hintsShown: {}, solutionsShown: [] }));
  const env = { LABVISOR_DATA_DIR: data, ...NO_ENGINE };

  const json = await labvisor(['ls', '--json'], env);
  assert.equal(json.code, 0, json.stderr);
  const out = JSON.parse(json.stdout) as { schemaVersion: number; labs: Record<string, unknown>[] };
  assert.equal(out.schemaVersion, 1);
  assert.ok(out.labs.length >= 10);
  for (const l of out.labs) assert.deepEqual(Object.keys(l).sort(), ['currentStep', 'id', 'level', 'minutes', 'passed', 'steps', 'title']);
  const first = out.labs.find((l) => l.id === 'first-steps')!;
  assert.equal(first.level, 'beginner');
  assert.equal(first.currentStep, 'exec');
  assert.equal(first.passed, 1, 'only steps the lab has count');
  assert.equal(out.labs.find((l) => l.id === 'volume-backup')!.passed, 0);

  const text = await labvisor(['ls'], env);
  assert.equal(text.code, 0);
  assert.equal(text.stderr, '');
  assert.match(text.stdout, /^ID +TITLE +LEVEL +MIN +PROGRESS\n/);
  assert.match(text.stdout, new RegExp(`\\nfirst-steps +First steps.* beginner +\\d+ +1/${String(first.steps)} steps\\n`));
});

test('ps: recorded sessions with age and whether their owner runs; the engine unreachable is said on stderr', async () => {
  const data = join(scratch, 'ps-data');
  const record = (id: string, owner: string, kept = false) => {
    mkdirSync(join(data, 'sessions', id), { recursive: true });
    writeFileSync(join(data, 'sessions', id, 'session.json'), JSON.stringify({
      id, lab: 'volume-backup', labDir: '/x', owner, engine: 'unix:///x', createdAt: new Date(Date.now() - 90_000).toISOString(), workdir: '/x', kept,
    }));
  };
  record('aaaa1111', formatOwner(currentOwner())); // this test process: alive
  record('bbbb2222', `${ownerHost()}/999999999/1`, true); // no such pid: dead
  const json = await labvisor(['ps', '--json'], { LABVISOR_DATA_DIR: data, ...NO_ENGINE });
  assert.equal(json.code, 0, json.stderr);
  assert.match(json.stderr, /engine could not be asked/);
  const out = JSON.parse(json.stdout) as { schemaVersion: number; sessions: Record<string, unknown>[] };
  assert.equal(out.schemaVersion, 1);
  assert.deepEqual(out.sessions.map((s) => [s.id, s.owner, s.kept, s.machines]), [['aaaa1111', 'alive', false, null], ['bbbb2222', 'dead', true, null]]);
  for (const s of out.sessions) {
    assert.deepEqual(Object.keys(s).sort(), ['ageS', 'createdAt', 'id', 'kept', 'lab', 'machines', 'owner']);
    assert.ok((s.ageS as number) >= 89 && (s.ageS as number) < 200, String(s.ageS));
  }
  const text = await labvisor(['ps'], { LABVISOR_DATA_DIR: data, ...NO_ENGINE });
  assert.match(text.stdout, /^SESSION +LAB +AGE +OWNER +MACHINES\naaaa1111 +volume-backup +1m +alive +\?\nbbbb2222 +volume-backup +1m +dead\+kept +\?\n$/);
});

test('lint: results on stdout (lint labs | less), --json in its shape, exit 1 on errors', async () => {
  const ok = await labvisor(['lint', 'labs']);
  assert.equal(ok.code, 0, ok.stderr);
  assert.equal(ok.stderr, '');
  assert.match(ok.stdout, /^ok +first-steps \(/m);
  assert.match(ok.stdout, /\n\d+ lab\(s\) checked, 0 with errors\n$/);

  const bad = await labvisor(['lint', fixture('unknown-kind'), '--json']);
  assert.equal(bad.code, 1);
  const out = JSON.parse(bad.stdout) as { schemaVersion: number; ok: boolean; checked: number; failed: number; labs: { id: string | null; ok: boolean; errors: { line: number; col: number; message: string }[] }[] };
  assert.deepEqual([out.schemaVersion, out.ok, out.checked, out.failed], [1, false, 1, 1]);
  assert.equal(out.labs[0]!.id, null);
  assert.deepEqual([out.labs[0]!.errors[0]!.line, out.labs[0]!.errors[0]!.col], [9, 11]);
  assert.match(out.labs[0]!.errors[0]!.message, /unknown kind "kontainer"/);
});

test('lint PATH finds labs at any depth below it, but not inside node_modules or hidden folders', async () => {
  const tree = join(scratch, 'tree');
  cpSync(fixture('vm-lab'), join(tree, 'course', 'week1', 'vm-lab'), { recursive: true });
  cpSync(fixture('unknown-kind'), join(tree, 'node_modules', 'pkg', 'unknown-kind'), { recursive: true });
  cpSync(fixture('unknown-kind'), join(tree, '.cache', 'unknown-kind'), { recursive: true });
  const r = await labvisor(['lint', '.', '--json'], {}, tree);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout) as { labs: { id: string }[] };
  assert.deepEqual(out.labs.map((l) => l.id), ['vm-lab']);

  const empty = mkdtempSync(join(scratch, 'empty-'));
  const none = await labvisor(['lint', empty]);
  assert.equal(none.code, 1);
  assert.match(none.stderr, /no lab\.yaml found at or below/);
});

test('lint takes a lab.yaml for its folder; a closed pipe ends the command quietly with 141', async () => {
  const one = await labvisor(['lint', join(fixture('vm-lab'), 'lab.yaml')]);
  assert.equal(one.code, 0, one.stderr);
  assert.match(one.stdout, /^ok +vm-lab /);
  // head exits after one line; labvisor's next writes meet a closed pipe.
  const piped = spawnSync('bash', ['-c', `node "${join(packageRoot(), 'bin', 'labvisor.js')}" lint labs | head -1; echo "exit \${PIPESTATUS[0]}"`], { encoding: 'utf8' });
  assert.match(piped.stdout, /^ok +\S+ \(.*\)\nexit 141\n$/);
  assert.doesNotMatch(piped.stderr, /EPIPE|at /, 'no stack trace');
});

test('schema prints the JSON Schema itself (no schemaVersion of ours)', async () => {
  const r = await labvisor(['schema']);
  assert.equal(r.code, 0);
  const schema = JSON.parse(r.stdout) as Record<string, unknown>;
  assert.equal(schema.schemaVersion, undefined);
  assert.ok('properties' in schema || '$schema' in schema);
});

/** PATH with a `labvisor` on it: the completion scripts run `labvisor ls --json` for lab ids. */
const pathWithLabvisor = (() => {
  let path: string | undefined;
  return () => {
    if (path) return path;
    const bin = join(scratch, 'bin');
    mkdirSync(bin, { recursive: true });
    symlinkSync(join(packageRoot(), 'bin', 'labvisor.js'), join(bin, 'labvisor'));
    return (path = `${bin}:${process.env.PATH ?? ''}`);
  };
})();

/** Why a shell's script cannot be run here (the shell is missing), or false. */
const missing = (shell: string): string | false =>
  spawnSync(shell, ['-c', 'true']).status === 0 ? false : `${shell} is not installed: its completion script is only checked for the commands it names`;

// bash is on every machine that runs these tests: never skipped.
test('completion: a bash script bash accepts, completing commands, options and lab ids; zsh and fish scripts naming every command', async () => {
  const bash = await labvisor(['completion', 'bash']);
  assert.equal(bash.code, 0);
  execFileSync('bash', ['-n'], { input: bash.stdout });
  const complete = (words: string) => `COMP_WORDS=(${words}); COMP_CWORD=$(( \${#COMP_WORDS[@]} - 1 )); _labvisor; echo "\${COMPREPLY[@]}"`;
  const completed = execFileSync('bash', ['-c', [bash.stdout, complete('labvisor l'), complete('labvisor run --s'), complete('labvisor run fir')].join('\n')], {
    encoding: 'utf8', env: { ...process.env, PATH: pathWithLabvisor() },
  });
  assert.equal(completed, 'ls lint lens\n--solve\nfirst-steps\n');
  const zsh = await labvisor(['completion', 'zsh']);
  const fish = await labvisor(['completion', 'fish']);
  assert.match(zsh.stdout, /^#compdef labvisor\n/);
  for (const name of Object.keys(HELP)) {
    assert.match(bash.stdout, new RegExp(`\\b${name}\\b`));
    assert.match(zsh.stdout, new RegExp(`'${name}:`));
    assert.match(fish.stdout, new RegExp(`-a ${name} -d `));
  }
  assert.match(fish.stdout, /__fish_seen_subcommand_from run' -l solve/);
});

test('completion: zsh accepts its script', { skip: missing('zsh') }, async () => {
  const zsh = await labvisor(['completion', 'zsh']);
  execFileSync('zsh', ['-n'], { input: zsh.stdout });
});

test('completion: fish accepts its script and completes labs and options', { skip: missing('fish') }, async () => {
  const fish = await labvisor(['completion', 'fish']);
  const script = join(scratch, 'labvisor.fish');
  writeFileSync(script, fish.stdout);
  execFileSync('fish', ['-n', script]);
  const completed = execFileSync('fish', ['-c', `source ${script}; complete -C "labvisor run fir"; complete -C "labvisor gc --dr"`], {
    encoding: 'utf8', env: { ...process.env, PATH: pathWithLabvisor() },
  });
  assert.equal(completed, 'first-steps\n--dry-run\n');
});
