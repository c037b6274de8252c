import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

/**
 * The console is served by the gateway at /console from this build's dist/: every asset
 * lands in dist/assets with a content hash in its name, so the gateway can cache them for
 * good and serve them from one flat folder. Nothing inline: the page's Content-Security-Policy
 * allows only scripts and styles from its own origin.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/console/',
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    // The polyfill would be an inline script; every browser the console targets has modulepreload.
    modulePreload: { polyfill: false },
    assetsInlineLimit: 0,
    reportCompressedSize: false,
  },
});
