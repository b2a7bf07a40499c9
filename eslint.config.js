// ESLint flat config. Besides the language rules, it enforces which part of the code may import
// which (docs/architecture.md, "Import rules"): the engine is plain Node and imports neither
// Electron nor a host, so everything but the thin shell runs and is tested without it; the
// contract in electron/shared runs in the browser too; the renderer sees only the contract.
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
    // A long file is split, or says at its top why it is one (docs/architecture.md, "Long files"):
    // `/* eslint-disable max-lines -- why */`.
    files: ['electron/**/*.{ts,cts}', 'renderer/src/**/*.{ts,tsx}', 'bench/**/*.ts', 'scripts/**/*.{ts,mjs,js}'],
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: { 'max-lines': ['error', { max: 250 }] },
  },
  ...importLayers(),
);

/**
 * One rule set per folder (a later flat-config entry for the same rule would replace an earlier
 * one, not add to it). A relative import that climbs out (`../`) into one of the top folders is
 * matched by that folder's name: no folder below has the name of a top folder. Dynamic
 * `import()` is held to the same rules (no-restricted-imports sees only static imports).
 */
function importLayers() {
  const into = (folders) => `^(\\.\\./)+(${folders.join('|')})/`;
  const noElectron = { regex: '^electron(/.*)?$', message: 'Only electron/main and electron/preload may import electron.' };
  const noNode = (who) => ({ regex: '^node:', message: `${who} runs in the browser too: no Node modules.` });
  // esquery reads a regex up to its first slash, so slashes are written as \x2F there.
  const dynamic = ({ regex, message }) => ({ selector: `ImportExpression[source.value=/${regex.replaceAll('/', '\\x2F')}/]`, message });
  const layer = (files, patterns) => ({
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns }],
      'no-restricted-syntax': ['error', ...patterns.map(dynamic)],
    },
  });
  return [
    layer(['electron/shared/**'], [
      noElectron, noNode('electron/shared (the contract)'),
      { regex: into(['engine', 'host-common', 'server', 'cli', 'main', 'preload']), message: 'electron/shared is the contract: it imports nothing of the app.' },
    ]),
    layer(['electron/engine/**'], [
      noElectron,
      { regex: into(['host-common', 'server', 'cli', 'main', 'preload']), message: 'The engine is used by every host and the CLI: it never imports them.' },
    ]),
    layer(['electron/host-common/**'], [
      noElectron,
      { regex: into(['server', 'cli', 'main', 'preload']), message: 'host-common serves both hosts: it imports neither host nor the CLI.' },
    ]),
    layer(['electron/server/**'], [
      noElectron,
      { regex: into(['cli', 'main', 'preload']), message: 'The web server is one host: it never imports the CLI or the Electron shell.' },
    ]),
    layer(['electron/cli/**'], [
      noElectron,
      { regex: into(['main', 'preload']), message: 'The CLI runs without Electron: it starts the shell as a program, never imports it.' },
    ]),
    layer(['electron/main/**'], [
      { regex: into(['server', 'cli']), message: 'The Electron shell is one host: what it shares with the web server lives in electron/host-common.' },
    ]),
    // A sandboxed preload can load nothing but electron's own modules.
    layer(['electron/preload/**'], [{ regex: '^\\.', message: 'A sandboxed preload cannot load the app\'s modules.' }]),
    layer(['renderer/src/**'], [
      { ...noElectron, message: 'The renderer talks to a host only through the API client.' }, noNode('The renderer'),
      { regex: '(^|/)electron/(engine|host-common|server|cli|main|preload)/', message: 'The renderer sees only the contract (electron/shared), never the engine or a host.' },
    ]),
  ];
}
