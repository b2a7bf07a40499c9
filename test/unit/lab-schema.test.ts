import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { labJsonSchema } from '../../electron/engine/labs/schema.js';

function repoRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    assert.notEqual(parent, dir, 'package.json not found above the test');
    dir = parent;
  }
  return dir;
}

test('docs/lab.schema.json matches the zod schema', async () => {
  const committed = await readFile(path.join(repoRoot(), 'docs', 'lab.schema.json'), 'utf8');
  assert.ok(committed === `${JSON.stringify(labJsonSchema(), null, 2)}\n`, 'docs/lab.schema.json is stale: run npm run schema');
});
