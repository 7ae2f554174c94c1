import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';
import { devCspPlugin } from './renderer/vite-dev-csp.js';

/** Renderer build: served by `npm run dev`, loaded by Electron from dist/renderer in production. */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte(), devCspPlugin()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, target: 'chrome130' },
  server: { host: '127.0.0.1', strictPort: false },
});
