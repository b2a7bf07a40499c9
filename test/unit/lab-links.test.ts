// `lab:` links in step markdown (`[Rebuild, don't patch](lab:rebuild-not-patch)`): what the
// player reads from an address, and that every bundled lab's links name a bundled lab (`labvisor
// lint` checks a lab folder on its own, so it cannot).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { labOfHref } from '../../renderer/src/player/lab-links.js';
import { root } from '../integration/support.js';

test('labOfHref: a lab id after lab:, nothing else', () => {
  assert.equal(labOfHref('lab:rebuild-not-patch'), 'rebuild-not-patch');
  assert.equal(labOfHref('lab:'), undefined);
  assert.equal(labOfHref('lab:Rebuild'), undefined);
  assert.equal(labOfHref('lab:a/../b'), undefined);
  assert.equal(labOfHref('lens:processes'), undefined);
  assert.equal(labOfHref('https://example.org'), undefined);
  assert.equal(labOfHref(undefined), undefined);
});

test("the bundled labs' lab: links name bundled labs", () => {
  const labs = join(root, 'labs');
  const ids = new Set(readdirSync(labs).filter((d) => existsSync(join(labs, d, 'lab.yaml'))));
  let links = 0;
  for (const lab of ids) {
    const steps = join(labs, lab, 'steps');
    if (!existsSync(steps)) continue;
    for (const file of readdirSync(steps).filter((f) => f.endsWith('.md'))) {
      for (const m of readFileSync(join(steps, file), 'utf8').matchAll(/\]\(lab:([^)\s]*)\)/g)) {
        links++;
        assert.ok(ids.has(m[1]!), `labs/${lab}/steps/${file}: a link to lab "${m[1]}", which is not bundled`);
      }
    }
  }
  assert.ok(links >= 4, `found ${links} lab: links`);
});
