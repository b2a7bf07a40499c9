// The import rules of docs/architecture.md, attacked: each forbidden direction, written as a
// static and a dynamic import in a file of the folder it is forbidden in, must be refused by the
// project's own ESLint config; the allowed directions must pass.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { ESLint } from 'eslint';
import { packageRoot } from '../../electron/engine/paths.js';

const root = packageRoot();
const eslint = new ESLint({ cwd: root });

/** The import-rule messages ESLint gives for `code` as if it were the file `file`. */
async function refusals(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return (result?.messages ?? [])
    .filter((m) => m.ruleId === 'no-restricted-imports' || m.ruleId === 'no-restricted-syntax' || m.fatal)
    .map((m) => m.message);
}

const forbidden: Array<[file: string, spec: string]> = [
  ['electron/engine/doctor.ts', 'electron'],
  ['electron/engine/doctor.ts', '../server/http-server.js'],
  ['electron/engine/sessions/gc.ts', '../../host-common/lab-host.js'],
  ['electron/engine/machines/vm/vm-machine.ts', '../../../cli/output.js'],
  ['electron/engine/paths.ts', '../main/menu.js'],
  ['electron/host-common/lab-host.ts', '../server/auth.js'],
  ['electron/host-common/lab-host.ts', '../cli/output.js'],
  ['electron/host-common/lab-host.ts', 'electron'],
  ['electron/server/http-server.ts', '../cli/output.js'],
  ['electron/server/http-server.ts', '../main/guards.js'],
  ['electron/main/main.ts', '../server/http-server.js'],
  ['electron/cli/commands/start.ts', '../../main/menu.js'],
  ['electron/shared/api.ts', 'node:path'],
  ['electron/shared/api.ts', '../engine/paths.js'],
  ['electron/preload/preload.cts', '../shared/api.js'],
  ['renderer/src/app/App.tsx', '../../../electron/engine/paths.js'],
  ['renderer/src/app/App.tsx', '../../../electron/host-common/lab-host.js'],
  ['renderer/src/app/App.tsx', 'node:fs'],
  ['renderer/src/app/App.tsx', 'electron'],
];

const allowed: Array<[file: string, spec: string]> = [
  ['electron/engine/sessions/gc.ts', '../../shared/api.js'],
  ['electron/engine/sessions/gc.ts', '../machines/docker-engine.js'],
  ['electron/host-common/lab-host.ts', '../engine/paths.js'],
  ['electron/server/http-server.ts', '../host-common/lab-host.js'],
  ['electron/main/main.ts', '../host-common/lab-host.js'],
  ['electron/main/main.ts', 'electron'],
  ['electron/cli/commands/serve.ts', '../../server/http-server.js'],
  ['electron/shared/api.ts', 'zod'],
  ['electron/preload/preload.cts', 'electron'],
  ['renderer/src/app/App.tsx', '../../../electron/shared/api.js'],
];

test('every forbidden import direction is refused, static and dynamic', async () => {
  for (const [file, spec] of forbidden) {
    const statically = await refusals(file, `import * as m from '${spec}';\nexport { m };\n`);
    assert.equal(statically.length, 1, `${file} importing ${spec}: ${JSON.stringify(statically)}`);
    const dynamically = await refusals(file, `export const m = () => import('${spec}');\n`);
    assert.equal(dynamically.length, 1, `${file} importing ${spec} with import(): ${JSON.stringify(dynamically)}`);
  }
});

test('the allowed directions pass', async () => {
  for (const [file, spec] of allowed) {
    assert.deepEqual(await refusals(file, `import * as m from '${spec}';\nexport { m };\nexport const d = () => import('${spec}');\n`), [], `${file} importing ${spec}`);
  }
});
