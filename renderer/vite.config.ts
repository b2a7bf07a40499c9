// The lab player's build: renderer/ → renderer/dist, served by `labvisor serve` and loaded by
// the Electron window. Relative asset paths so both an http origin and a file:// page work.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    sourcemap: true,
    // Everything inline is forbidden by the CSP: no inlined assets, no module preload polyfill script.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    chunkSizeWarningLimit: 2000,
  },
});
