import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

/** Renderer build: served by `npm run dev`, loaded by Electron from dist/renderer in production. */
export default defineConfig({
  root: 'renderer',
  base: './',
  plugins: [svelte()],
  build: { outDir: '../dist/renderer', emptyOutDir: true, target: 'chrome130' },
  server: { host: '127.0.0.1', strictPort: false },
});
