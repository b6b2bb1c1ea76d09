import { defineConfig, type Plugin } from 'vite';
import react from '@vitejs/plugin-react';
import { metaContentSecurityPolicy } from '../shared/csp.js';

/** Writes the same CSP the servers send into index.html, for the desktop window's file loads. */
function cspMeta(): Plugin {
  return {
    name: 'assay-csp-meta',
    transformIndexHtml: (html) => html.replace('__CSP__', metaContentSecurityPolicy),
  };
}

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  plugins: [react(), cspMeta()],
  build: {
    outDir: '../dist/renderer',
    emptyOutDir: true,
    chunkSizeWarningLimit: 8000,
    sourcemap: false,
    // ASSAY_NO_MINIFY=1: readable function names in a CPU profile (bench/sections/next-item.ts).
    ...(process.env['ASSAY_NO_MINIFY'] ? { minify: false } : {}),
    rolldownOptions: { checks: { pluginTimings: false } },
  },
  worker: { format: 'es' },
});
