import type { Plugin } from 'vite';

/**
 * Dev server only: Vite (and Svelte's emitted CSS) inject styles as inline <style> elements so
 * they can hot-reload, which `style-src 'self'` blocks. This adds 'unsafe-inline' to style-src
 * in the served index.html and nothing else; production builds link real .css files and keep
 * the exact CSP that main uses.
 */
export const DEV_STYLE_SRC = "style-src 'self' 'unsafe-inline'";

export function devCspPlugin(): Plugin {
  return {
    name: 'unshake-dev-csp',
    apply: 'serve',
    transformIndexHtml(html) {
      const relaxed = html.replace("style-src 'self';", `${DEV_STYLE_SRC};`);
      if (relaxed === html) throw new Error("renderer/index.html CSP lost its \"style-src 'self';\" directive");
      return relaxed;
    },
  };
}
