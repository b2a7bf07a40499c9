import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { type Diagnostic, LabFormatError } from '../../electron/engine/labs/diagnostics.js';
import { findLabDirs, loadLab } from '../../electron/engine/labs/load.js';

const MINIMAL = `id: demo
title: Demo
summary: A tiny lab.
duration: 5
difficulty: beginner
tags: [basics]
machines:
  - name: box
    kind: container
    image: labvisor/base
steps:
  - id: hello
    title: Say hello
    markdown: steps/hello.md
    check:
      - machine: box
        script: test -f /tmp/hello
    solve:
      - machine: box
        script: touch /tmp/hello
`;

let root: string;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'labvisor-load-'));
});
after(async () => {
  await rm(root, { recursive: true, force: true });
});

let count = 0;
/** A lab folder named `name` (in a fresh parent) with these files; lab.yaml defaults to MINIMAL. */
async function makeLab(files: Record<string, string> = {}, name = 'demo'): Promise<string> {
  const dir = path.join(root, `case-${++count}`, name);
  const all = { 'lab.yaml': MINIMAL, 'steps/hello.md': '# Hello\n', ...files };
  for (const [file, text] of Object.entries(all)) {
    await mkdir(path.dirname(path.join(dir, file)), { recursive: true });
    await writeFile(path.join(dir, file), text);
  }
  return dir;
}

/** MINIMAL with `find` replaced by `replace`. */
function edit(find: string, replace: string): string {
  assert.ok(MINIMAL.includes(find), `fixture lacks ${find}`);
  return MINIMAL.replace(find, replace);
}

async function diagnosticsOf(dir: string): Promise<Diagnostic[]> {
  try {
    await loadLab(dir);
  } catch (e) {
    assert.ok(e instanceof LabFormatError, `expected a LabFormatError, got ${String(e)}`);
    return e.diagnostics;
  }
  assert.fail('the lab loaded');
}

/** Each diagnostic as `line:col: message`. */
async function problems(dir: string): Promise<string[]> {
  return (await diagnosticsOf(dir)).map((d) => `${d.line}:${d.col}: ${d.message}`);
}

describe('loadLab', () => {
  test('step markdown: a runnable block for an unknown machine or a link to an unknown lens is an error at its line', async () => {
    const md = '# Hello\n\n```sh @box\necho ok\n```\n\n```sh @bx\necho typo\n```\n\n````md\n```sh @inside-an-example\n````\n\nSee [the lens](lens:processes) and [this](lens:proceses).\n';
    const dir = await makeLab({ 'steps/hello.md': md });
    const diags = await diagnosticsOf(dir);
    assert.deepEqual(diags.map((d) => [path.relative(dir, d.file), d.line, d.col, d.message]), [
      ['steps/hello.md', 7, 7, 'runnable block for machine "bx", but the lab has no such machine; it has: box'],
      ['steps/hello.md', 15, 43, 'link to lens "proceses"; the lenses are: processes, kernels, footprint, images, volumes'],
    ]);
  });

  test('loads a valid minimal lab', async () => {
    const dir = await makeLab();
    const loaded = await loadLab(dir);
    assert.equal(loaded.dir, dir);
    assert.equal(loaded.file, path.join(dir, 'lab.yaml'));
    assert.equal(loaded.lab.id, 'demo');
    assert.equal(loaded.lab.steps[0]?.check?.length, 1);
    assert.deepEqual(loaded.images, {});
    assert.deepEqual(loaded.trustReasons, []);
  });

  test('lists the lab images and the reasons to trust it', async () => {
    const dir = await makeLab({
      'images/web/Dockerfile': 'FROM labvisor/base\n',
      'images/notes/README': 'no Dockerfile here\n',
      'lab.yaml': edit('image: labvisor/base\n', `image: web
  - name: shell
    kind: learner-computer
  - name: view
    kind: docker-host
  - name: root
    kind: container
    image: labvisor/base
    privileged: true
`),
    });
    const loaded = await loadLab(dir);
    assert.deepEqual(loaded.images, { web: path.join(dir, 'images', 'web') });
    assert.deepEqual(loaded.trustReasons.map((r) => `${r.line}:${r.col} ${r.message}`), [
      '12:11 machine "shell" is a shell on your computer (kind: learner-computer): it can read and change your files',
      '14:11 machine "view" is a root shell on the Docker host (kind: docker-host): it holds the engine\'s socket and can do anything to the Docker host and its containers',
      '18:17 machine "root" runs privileged: every capability and the host\'s devices, enough to take over the Docker host',
    ]);
  });

  test('points at an unknown field with its file:line:col and a suggestion', async () => {
    const dir = await makeLab({ 'lab.yaml': edit('    image: labvisor/base', '    imagee: labvisor/base') });
    await assert.rejects(loadLab(dir), (e: Error) => {
      const file = path.join(dir, 'lab.yaml');
      assert.equal(e.message, `${file}:8:5: machines[0]: missing required field "image"\n`
        + `${file}:10:5: unknown field "imagee" in machines[0] (did you mean "image"?)`);
      return true;
    });
  });

  test('shows the file relative to the working directory when inside it', async () => {
    const dir = await makeLab({ 'lab.yaml': edit('title: Demo', 'tittle: Demo') });
    const cwd = process.cwd();
    process.chdir(path.dirname(dir));
    try {
      await assert.rejects(loadLab('demo'), { message: /^demo\/lab\.yaml:2:1: unknown field "tittle" \(did you mean "title"\?\)/m });
    } finally {
      process.chdir(cwd);
    }
  });

  test('kind host, of earlier drafts, names the two kinds that replace it', async () => {
    const dir = await makeLab({ 'lab.yaml': edit('kind: container', 'kind: host') });
    assert.deepEqual(await problems(dir), [
      '9:11: machines[0].kind: kind "host" is no more: use docker-host (a shell on the machine that runs the Docker engine) or learner-computer (a shell on the learner\'s own computer)',
    ]);
  });

  test('points at an unknown kind and lists the allowed ones', async () => {
    const dir = await makeLab({ 'lab.yaml': edit('kind: container', 'kind: kontainer') });
    assert.deepEqual(await problems(dir), ['9:11: machines[0].kind: unknown kind "kontainer"; expected one of: container, vm, docker-host, learner-computer']);
  });

  test('reports a wrong type at the value', async () => {
    const dir = await makeLab({ 'lab.yaml': edit('duration: 5', 'duration: "ten"') });
    assert.deepEqual(await problems(dir), ['4:11: duration: expected a number, got "ten"']);
  });

  test('reports a missing required field at its parent mapping', async () => {
    const dir = await makeLab({ 'lab.yaml': edit('    title: Say hello\n', '') });
    assert.deepEqual(await problems(dir), ['12:5: steps[0]: missing required field "title"']);
  });

  test('explains a check that is neither a script nor a probe, and an unknown probe', async () => {
    const dir = await makeLab({
      'lab.yaml': edit('      - machine: box\n        script: test -f /tmp/hello\n', '      - machine: box\n      - probe: container-runing\n        machine: box\n'),
    });
    assert.deepEqual(await problems(dir), [
      '16:9: steps[0].check[0]: a check needs "script" (a script run in a machine) or "probe" (a built-in probe)',
      '17:16: steps[0].check[1].probe: unknown probe "container-runing"; expected one of: '
        + 'container-running, container-image, volume-exists, volume-file, image-exists',
    ]);
  });

  test('refuses a 10 MB lab.yaml without parsing it', async () => {
    const dir = await makeLab({ 'lab.yaml': `[${'x'.repeat(10 * 1024 * 1024)}` });
    assert.deepEqual(await problems(dir), ['1:1: lab.yaml is 10 MiB; the limit is 128 KiB']);
  });

  test('refuses an alias bomb quickly', async () => {
    const levels = ['a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]'];
    for (let i = 1; i < 10; i++) {
      const [anchor, alias] = [String.fromCharCode(97 + i), String.fromCharCode(96 + i)];
      levels.push(`${anchor}: &${anchor} [${Array(9).fill(`*${alias}`).join(', ')}]`);
    }
    const dir = await makeLab({ 'lab.yaml': `${MINIMAL}${levels.join('\n')}\n` });
    const started = Date.now();
    const diagnostics = await diagnosticsOf(dir);
    assert.ok(Date.now() - started < 2000, 'took too long');
    assert.equal(diagnostics.length, 1);
    assert.match(diagnostics[0]!.message, /^Excessive alias count .*the limit is 100 alias expansions/);
    assert.ok(diagnostics[0]!.line > MINIMAL.split('\n').length, 'points at an alias');
  });

  test('reports YAML syntax errors at their position', async () => {
    const dir = await makeLab({ 'lab.yaml': edit('tags: [basics]', 'tags: [basics') });
    const [first] = await diagnosticsOf(dir);
    assert.equal(first?.line, 7);
  });

  test('refuses a duplicate key', async () => {
    const dir = await makeLab({ 'lab.yaml': edit('summary: A tiny lab.', 'summary: A tiny lab.\ntitle: Again') });
    assert.deepEqual(await problems(dir), ['4:1: duplicate key "title"']);
  });

  test('refuses a markdown path that leaves the folder with ..', async () => {
    const dir = await makeLab({ 'lab.yaml': edit('markdown: steps/hello.md', 'markdown: ../hello.md') });
    assert.deepEqual(await problems(dir), ['14:15: steps[0].markdown: must not leave the lab folder (no "..")']);
  });

  test('refuses a symlinked markdown that escapes the folder', async () => {
    const dir = await makeLab({ 'lab.yaml': edit('markdown: steps/hello.md', 'markdown: steps/outside.md') });
    await writeFile(path.join(dir, '..', 'secret.md'), 'secret\n');
    await symlink(path.join(dir, '..', 'secret.md'), path.join(dir, 'steps', 'outside.md'));
    assert.deepEqual(await problems(dir), ['14:15: steps[0].markdown: "steps/outside.md" leads outside the lab folder (through a symlink)']);
  });

  test('refuses a missing markdown file', async () => {
    const dir = await makeLab({ 'lab.yaml': edit('markdown: steps/hello.md', 'markdown: steps/gone.md') });
    assert.deepEqual(await problems(dir), ['14:15: steps[0].markdown: file "steps/gone.md" not found']);
  });

  test('refuses a markdown file over 1 MiB', async () => {
    const dir = await makeLab({ 'steps/hello.md': 'x'.repeat(2 * 1024 * 1024) });
    assert.deepEqual(await problems(dir), ['14:15: steps[0].markdown: "steps/hello.md" is 2 MiB; the limit is 1 MiB']);
  });

  test('refuses an image without a Dockerfile', async () => {
    const dir = await makeLab({
      'lab.yaml': edit('image: labvisor/base', 'image: web'),
      'images/web/README.md': 'forgot the Dockerfile\n',
    });
    assert.deepEqual(await problems(dir), [
      '10:12: machines[0].image: unknown image "web"; expected labvisor/base or an image of this lab, built from images/web/Dockerfile',
    ]);
  });

  test('refuses references to undeclared machines and volumes', async () => {
    const dir = await makeLab({
      'lab.yaml': edit('image: labvisor/base\n', 'image: labvisor/base\n    mounts: [{ volume: data, path: /data }]\n')
        .replace('solve:\n      - machine: box', 'solve:\n      - machine: bxo'),
    });
    assert.deepEqual(await problems(dir), [
      '11:24: machines[0].mounts[0].volume: unknown volume "data"; declare it under "volumes"',
      '20:18: steps[0].solve[0].machine: unknown machine "bxo"; declared machines: box',
    ]);
  });

  test('VM disks: a declared volume each, one VM per volume, a path of the guest\'s own and not its system folders', async () => {
    /** Two VMs, the second with `second` as its disks. */
    const vms = (second: string) => edit('steps:\n', `  - name: vm1
    kind: vm
    image: labvisor/base
    disks:
      - { volume: data, path: /data }
      - { volume: logs, path: /data }
  - name: vm2
    kind: vm
    image: labvisor/base
    disks: [${second}]
volumes:
  - name: data
steps:
`);
    // The schema's findings come first: the rules run on a lab that passed it.
    assert.deepEqual(await problems(await makeLab({ 'lab.yaml': vms('{ volume: data, path: /srv }, { volume: data2, path: /proc/x, sizeMb: 8 }') })), [
      '20:66: machines[2].disks[1].path: must not be in /proc, /sys, /dev, /run, /tmp, /labvisor: the guest\'s own file systems',
      '20:83: machines[2].disks[1].sizeMb: must be at least 16, got 8',
    ]);
    assert.deepEqual(await problems(await makeLab({ 'lab.yaml': vms('{ volume: data, path: /srv }') })), [
      '16:19: machines[1].disks[1].volume: unknown volume "logs"; declared volumes: data',
      '16:31: machines[1].disks[1].path: duplicate disk path "/data" (also machines[1].disks[0])',
      '20:23: machines[2].disks[0].volume: volume "data" already holds the disk of machine "vm1": each disk needs a volume of its own',
    ]);
  });

  test('checks the id, unique names, solutions and failsFirst', async () => {
    const dir = await makeLab({
      'lab.yaml': `${edit('    solve:\n      - machine: box\n        script: touch /tmp/hello\n', '')}  - id: hello
    title: Again
    markdown: steps/hello.md
    failsFirst: false
`,
    }, 'other');
    assert.deepEqual(await problems(dir), [
      '1:5: id: must be the name of the lab\'s folder, "other"',
      '12:5: steps[0]: missing required field "solve": every step with a check needs a solution',
      '18:9: steps[1].id: duplicate step id "hello" (also steps[0])',
      '21:17: steps[1].failsFirst: only allowed on a step with a check',
    ]);
  });

  test('reports several errors together, in file order', async () => {
    const dir = await makeLab({
      'lab.yaml': edit('duration: 5', 'duration: "ten"')
        .replace('difficulty: beginner', 'difficulty: easy')
        .replace('kind: container', 'kind: virtual-machine'),
    });
    assert.deepEqual(await problems(dir), [
      '4:11: duration: expected a number, got "ten"',
      '5:13: difficulty: expected one of: beginner, intermediate, advanced; got "easy"',
      '9:11: machines[0].kind: unknown kind "virtual-machine"; expected one of: container, vm, docker-host, learner-computer',
    ]);
  });

  test('reports a missing lab.yaml at the path it looked for', async () => {
    const dir = path.join(root, 'nothing-here');
    assert.deepEqual(await diagnosticsOf(dir), [{ file: path.join(dir, 'lab.yaml'), line: 1, col: 1, message: 'lab.yaml not found' }]);
  });
});

describe('findLabDirs', () => {
  test('finds the lab subfolders of a parent folder, sorted', async () => {
    const zeta = await makeLab({}, 'zeta');
    const parent = path.dirname(zeta);
    const alpha = path.join(parent, 'alpha');
    await mkdir(alpha);
    await writeFile(path.join(alpha, 'lab.yaml'), 'id: alpha\n');
    await mkdir(path.join(parent, 'not-a-lab'));
    await writeFile(path.join(parent, 'README.md'), 'labs\n');
    assert.deepEqual(await findLabDirs(parent), [alpha, zeta]);
    assert.deepEqual(await findLabDirs(zeta), [zeta]);
  });

  test('says so when there is no lab', async () => {
    const empty = path.join(root, 'empty');
    await mkdir(empty);
    await assert.rejects(findLabDirs(empty), { message: /no lab\.yaml found under/ });
    await assert.rejects(findLabDirs(path.join(root, 'missing')), { message: /no lab\.yaml found under/ });
  });
});
