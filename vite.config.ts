// Builds the renderer (renderer/index.html and what it imports) into
// dist/renderer, with relative asset paths so the same files load from
// browser mode's server and from the desktop app's app:// protocol.

import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  root: here('./renderer'),
  base: './',
  publicDir: here('./resources/icons'),
  plugins: [react()],
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    // Built for the Chromium in Electron 45 and current browsers.
    target: 'es2022',
    sourcemap: true,
    chunkSizeWarningLimit: 1500,
    // No inline module-preload polyfill: the CSP allows scripts from files only.
    modulePreload: { polyfill: false },
  },
  logLevel: 'warn',
});
