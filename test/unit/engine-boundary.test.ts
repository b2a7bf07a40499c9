import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';
import { packageRoot } from '../../electron/engine/paths.js';

// The engine must stay plain Node so it runs and is tested without Electron: the lint rule
// that guards this must itself keep working.
test('ESLint refuses an electron import in the engine and allows it in the shell', async () => {
  const eslint = new ESLint({ cwd: packageRoot() });
  const code = "import { app } from 'electron';\nexport const name = app.getName();\n";
  const [engine] = await eslint.lintText(code, { filePath: 'electron/engine/machines/example.ts' });
  assert.ok(engine!.messages.some((m) => m.ruleId === 'no-restricted-imports'), JSON.stringify(engine!.messages));
  const [shell] = await eslint.lintText(code, { filePath: 'electron/main/example.ts' });
  assert.ok(!shell!.messages.some((m) => m.ruleId === 'no-restricted-imports'));
});
