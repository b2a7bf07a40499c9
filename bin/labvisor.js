#!/usr/bin/env node
// The `labvisor` command. The CLI is TypeScript compiled to dist/: by `npm install` (prepare) in a
// clone; the package `npm pack` makes ships it compiled.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const entry = new URL('../dist/electron/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error('labvisor: not built yet. Run `npm install` (or `npm run build`) in ' +
    fileURLToPath(new URL('..', import.meta.url)));
  process.exit(2);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
