// Every bundled lab lives on the Docker engine (issue 13, item 3): no machine is the learner's
// computer, and nothing a lab runs or tells the learner to type bind-mounts a path of the
// computer that started it into a container. (bundled-labs.test.ts solves them all with the
// client apart from the engine; this says why none could lean on the client's OS.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadLab } from '../../electron/engine/labs/load.js';
import { bundledLabsDir } from '../../electron/engine/paths.js';

const labs = readdirSync(bundledLabsDir()).sort();

function textFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? textFiles(p) : [p];
  });
}

// A bind mount of the session's work folder, the learner's home or the current folder.
const CLIENT_BIND = /(?:-v|--volume)[ =]["']?\$\{?(?:LAB_WORKDIR|HOME|PWD)\b|--mount[^\n]*(?:source|src)=["']?\$\{?(?:LAB_WORKDIR|HOME|PWD)\b|\$\(pwd\):/;

test('the bundled labs are all here, each with machines on the engine only', async () => {
  assert.ok(labs.length >= 13, `bundled labs: ${labs.join(', ')}`);
  for (const id of labs) {
    const { lab } = await loadLab(join(bundledLabsDir(), id));
    const mine = lab.machines.filter((m) => m.kind === 'learner-computer').map((m) => m.name);
    assert.deepEqual(mine, [], `${id}: machines on the learner's computer`);
  }
});

test('no bundled lab bind-mounts a path of the learner\'s computer, nor says kind: host', () => {
  for (const id of labs) {
    for (const file of textFiles(join(bundledLabsDir(), id))) {
      const text = readFileSync(file, 'utf8');
      assert.doesNotMatch(text, CLIENT_BIND, file);
      assert.doesNotMatch(text, /^\s*kind:\s*host\s*$/m, file);
    }
  }
});

test('the bind-mount pattern catches what it is for', () => {
  for (const bad of ['docker run -v "$LAB_WORKDIR":/data x', 'docker run --volume=$HOME/x:/y x', 'docker run --mount type=bind,source=${LAB_WORKDIR}/a,target=/a x', 'docker run -v $(pwd):/w x']) {
    assert.match(bad, CLIENT_BIND, bad);
  }
  for (const fine of ['docker run -v /:/host:ro x', 'docker run -v "$LAB_VOLUME_DATA":/data x', 'docker cp "$LAB_WORKDIR/web" c:/src']) {
    assert.doesNotMatch(fine, CLIENT_BIND, fine);
  }
});
