// ESLint flat config. The one architectural rule that matters most: the engine is plain Node
// and never imports Electron, so everything but the thin shell runs and is tested without it.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import reactHooks from 'eslint-plugin-react-hooks';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'renderer/dist/**', 'bench/results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The renderer's hooks: their rules and dependency lists, which React relies on.
    files: ['renderer/src/**/*.{ts,tsx}'],
    ...reactHooks.configs.flat.recommended,
    rules: { ...reactHooks.configs.flat.recommended.rules, 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['electron/engine/**', 'electron/cli/**', 'electron/server/**', 'electron/shared/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'Only electron/main and electron/preload may import electron.' }],
        patterns: [{ group: ['electron/*'], message: 'Only electron/main and electron/preload may import electron.' }],
      }],
    },
  },
  {
    // The contract is shared with the renderer, which runs in a browser: no Node modules there.
    files: ['electron/shared/**'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: [{ name: 'electron', message: 'electron/shared is used by the renderer too.' }],
        patterns: [{ group: ['node:*', 'electron/*'], message: 'electron/shared is used by the renderer too: no Node or Electron modules.' }],
      }],
    },
  },
);
