// Every command's help, the version, and usage errors: `labvisor CMD --help`, `CMD -h` and
// `help CMD` print the command's own help on stdout and exit 0; a wrong command or option exits 2
// with "did you mean" on stderr and nothing on stdout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../electron/engine/paths.js';
import { HELP } from '../../electron/cli/help.js';
import { labvisor } from './cli-support.js';

const COMMANDS = Object.keys(HELP);

test('every command has its own help with usage, options and examples, three ways to ask', async () => {
  assert.ok(COMMANDS.includes('ls') && COMMANDS.includes('ps') && COMMANDS.includes('completion'));
  for (const name of COMMANDS) {
    const asked = await Promise.all([[name, '--help'], [name, '-h'], ['help', name]].map((args) => labvisor(args)));
    for (const r of asked) {
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      assert.equal(r.stderr, '', `${name}: help goes to stdout only`);
      assert.match(r.stdout, new RegExp(`^labvisor ${name} — `), name);
      assert.match(r.stdout, /\nUsage:\n {2}labvisor /, name);
      assert.match(r.stdout, /\nOptions:\n[\s\S]*-h, --help/, name);
      assert.match(r.stdout, /\nExamples:\n {2}\S/, name);
    }
    assert.equal(asked[0]!.stdout, asked[2]!.stdout, `${name}: the same help however it is asked for`);
  }
});

test('a command\'s help is its own, with its own options', async () => {
  const run = await labvisor(['run', '--help']);
  assert.match(run.stdout, /--solve/);
  assert.match(run.stdout, /--to STEP/);
  assert.doesNotMatch(run.stdout, /--dry-run/);
  const gc = await labvisor(['gc', '-h']);
  assert.match(gc.stdout, /--dry-run/);
});

test('--help after other words still shows help and runs nothing (no engine is asked)', async () => {
  const r = await labvisor(['stop', 'abcd1234', '--help'], { DOCKER_HOST: 'unix:///nonexistent/labvisor.sock' });
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^labvisor stop — /);
});

test('the global help lists every command, on stdout', async () => {
  for (const args of [[], ['--help'], ['-h'], ['help']]) {
    const r = await labvisor(args);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    for (const name of COMMANDS) assert.match(r.stdout, new RegExp(`^ {2}${name} `, 'm'), `${args.join(' ')}: ${name}`);
  }
});

test('--version prints package.json\'s version', async () => {
  const { version } = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string };
  for (const flag of ['--version', '-v']) {
    const r = await labvisor([flag]);
    assert.equal(r.code, 0);
    assert.equal(r.stdout, `${version}\n`);
  }
});

test('an unknown command: exit 2, did you mean, nothing on stdout', async () => {
  const typo = await labvisor(['rnu', 'first-steps']);
  assert.equal(typo.code, 2);
  assert.equal(typo.stdout, '');
  assert.match(typo.stderr, /^labvisor: unknown command "rnu" \(did you mean "run"\?\)\n/);
  const far = await labvisor(['frobnicate']);
  assert.equal(far.code, 2);
  assert.doesNotMatch(far.stderr, /did you mean/);
  assert.match(far.stderr, /labvisor --help/);
  const help = await labvisor(['help', 'lnit']);
  assert.equal(help.code, 2);
  assert.match(help.stderr, /did you mean "lint"/);
});

test('an unknown option or a missing argument: exit 2, pointing at the command\'s help', async () => {
  const r = await labvisor(['run', 'first-steps', '--bogus']);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /Unknown option '--bogus'[\s\S]*labvisor run --help/);
  for (const args of [['run'], ['lint'], ['stop'], ['new'], ['completion', 'tcsh'], ['ls', 'extra']]) {
    const bad = await labvisor(args);
    assert.equal(bad.code, 2, `${args.join(' ')}: ${bad.stderr}`);
    assert.equal(bad.stdout, '', args.join(' '));
  }
});

test('an unknown subcommand of bundle or lens: exit 2, did you mean', async () => {
  const bundle = await labvisor(['bundle', 'crate', 'x.bundle']);
  assert.equal(bundle.code, 2);
  assert.match(bundle.stderr, /unknown bundle command "crate" \(did you mean "create"\?\)/);
  const lens = await labvisor(['lens', 'kernel'], { DOCKER_HOST: 'unix:///nonexistent/labvisor.sock' });
  assert.equal(lens.code, 2);
  assert.match(lens.stderr, /unknown lens "kernel" \(did you mean "kernels"\?\)/);
});

test('an unknown bundled lab: exit 2, did you mean, and the bundled labs', async () => {
  for (const command of ['run', 'test']) {
    const r = await labvisor([command, 'fist-steps'], { DOCKER_HOST: 'unix:///nonexistent/labvisor.sock' });
    assert.equal(r.code, 2, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /no lab "fist-steps": not a folder, nor a bundled lab \(did you mean "first-steps"\?\)/);
    assert.match(r.stderr, /\nbundled labs: .*\bfirst-steps\b.*\bvolume-backup\b/);
  }
});
