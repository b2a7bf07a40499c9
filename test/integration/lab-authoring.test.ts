// The author's path end to end on the real engine: `labvisor new` makes a lab that passes
// `lint` and `test` as it is; `test` reports a broken step; the bundled labs written with it pass.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type Docker from 'dockerode';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cli, engineOrSkip, labelled, nothing } from './support.js';

const engine = await engineOrSkip();

interface TestJson { lab: string; ok: boolean; session: string; kept: boolean; steps: { id: string; ok: boolean; message: string }[] }

describe('labvisor new', () => {
  test('refuses a bad id and an existing folder, and writes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labvisor-new-'));
    const bad = await cli(['new', 'Not_An_Id', '--dir', dir]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /"Not_An_Id" is not a lab id: must be lowercase letters, digits and dashes/);
    assert.equal((await cli(['new', 'twice', '--dir', dir])).code, 0);
    const again = await cli(['new', 'twice', '--dir', dir]);
    assert.equal(again.code, 2);
    assert.match(again.stderr, /twice already exists/);
    assert.deepEqual(readdirSync(dir), ['twice']);
  });

  test('test refuses, before starting anything, a lab whose step other than the last has no check', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labvisor-new-'));
    assert.equal((await cli(['new', 'unchecked', '--dir', dir])).code, 0);
    const yaml = join(dir, 'unchecked', 'lab.yaml');
    const intro = '  - id: intro\n    title: Look around\n    markdown: steps/01-leave-a-note.md\n\n';
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('  - id: leave-a-note', `${intro}  - id: leave-a-note`));
    assert.equal((await cli(['lint', join(dir, 'unchecked')])).code, 0, 'the format allows it');
    const r = await cli(['test', join(dir, 'unchecked')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /step\(s\) intro have no check; only the last step \(what you learned\) may go without one/);
    assert.doesNotMatch(r.stderr, /Testing lab/);
  });
});

describe('labvisor new, lint, test with a real engine', { skip: engine.skip }, () => {
  const docker = engine.docker as Docker;

  /** No container, volume or network of the session remains, labelled or named under its prefix. */
  async function assertNothingLeft(session: string): Promise<void> {
    assert.deepEqual(await labelled(docker, session), nothing);
    const named = await docker.listContainers({ all: true, filters: { name: [`lv-${session}`] } });
    assert.deepEqual(named.map((c) => c.Names[0]), [], 'containers the learner made by hand are gone too');
  }

  test('a new lab passes lint and test out of the box', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labvisor-new-'));
    const made = await cli(['new', 'my-first-lab', '--dir', dir]);
    assert.equal(made.code, 0, made.stderr);
    const lab = join(dir, 'my-first-lab');
    assert.match(readFileSync(join(lab, 'lab.yaml'), 'utf8'), /^# yaml-language-server: \$schema=\S+\/docs\/lab\.schema\.json\n/);
    assert.match(readFileSync(join(lab, 'steps', '01-leave-a-note.md'), 'utf8'), /```sh @box\n/);

    const lint = await cli(['lint', lab]);
    assert.equal(lint.code, 0, lint.stderr);

    const r = await cli(['test', lab, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as TestJson;
    assert.equal(out.ok, true);
    assert.deepEqual(out.steps.map((s) => [s.id, s.ok]), [['leave-a-note', true], ['what-you-learned', true]]);
    assert.match(r.stderr, /ok +1\/2 leave-a-note .* check failed first, solution ran, check passed/);
    assert.match(r.stderr, /ok +2\/2 what-you-learned .* no check/);
    await assertNothingLeft(out.session);
  });

  test('test stops at a step whose solution does not satisfy its check, with the FAIL lines, and cleans up', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labvisor-new-'));
    assert.equal((await cli(['new', 'broken-lab', '--dir', dir])).code, 0);
    const yaml = join(dir, 'broken-lab', 'lab.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('script: echo hello > /tmp/note.txt', 'script: echo goodbye > /tmp/note.txt'));

    const r = await cli(['test', join(dir, 'broken-lab'), '--json']);
    assert.equal(r.code, 1, r.stderr);
    const out = JSON.parse(r.stdout) as TestJson;
    assert.equal(out.ok, false);
    assert.deepEqual(out.steps.map((s) => [s.id, s.ok]), [['leave-a-note', false]]);
    assert.match(r.stderr, /FAIL +1\/2 leave-a-note/);
    assert.match(r.stderr, /FAIL: \/tmp\/note\.txt does not say hello yet/);
    await assertNothingLeft(out.session);
  });

  test('test first-steps: every step fails first and passes after its solution; nothing remains', async () => {
    const r = await cli(['test', 'first-steps', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as TestJson;
    assert.deepEqual(out.steps.map((s) => [s.id, s.ok]), [
      ['first-container', true], ['exec', true], ['logs', true], ['stop', true], ['start', true], ['remove', true], ['build', true],
      ['new-version', true], ['what-you-learned', true],
    ]);
    await assertNothingLeft(out.session);
  });

  test('test --keep leaves the session running and says how to stop it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labvisor-new-'));
    assert.equal((await cli(['new', 'kept-lab', '--dir', dir])).code, 0);
    const r = await cli(['test', join(dir, 'kept-lab'), '--keep', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as TestJson;
    assert.equal(out.kept, true);
    assert.match(r.stderr, new RegExp(`labvisor stop ${out.session}`));
    assert.deepEqual((await labelled(docker, out.session)).containers, [`/lv-${out.session}-box`]);
    assert.equal((await cli(['stop', out.session])).code, 0);
    await assertNothingLeft(out.session);
  });

  test('run rebuild-not-patch --solve --json: every step passes; the hand-made replicas and the v2 image the learner built are gone', async () => {
    const r = await cli(['run', 'rebuild-not-patch', '--solve', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as TestJson;
    assert.deepEqual(out.steps.map((s) => [s.id, s.ok]), [
      ['find-the-leak', true], ['patch-in-place', true], ['drift', true], ['restart', true], ['rebuild', true], ['roll-out', true],
      ['rotate-and-retire', true], ['what-you-learned', true],
    ]);
    await assertNothingLeft(out.session);
    // Tagged under the session's prefix, it goes with the session.
    await assert.rejects(docker.getImage(`lv-${out.session}-web:v2`).inspect(), /no such image/i);
  });
});
