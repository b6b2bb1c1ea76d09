// Builds everything `assay` and the desktop shell need: the renderer (Vite), the CLI and the
// Electron main/preload (esbuild). Runs from npm's `prepare`, so a fresh `npm install` is enough.
import { build as esbuild } from 'esbuild';
import { build as viteBuild } from 'vite';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const only = process.argv[2];
// ASSAY_DIST builds elsewhere (parallel work in one checkout); `assay` reads the same variable.
const dist = path.resolve(root, process.env.ASSAY_DIST || 'dist');
const started = Date.now();

async function buildRenderer() {
  await viteBuild({
    configFile: path.join(root, 'renderer', 'vite.config.ts'),
    logLevel: 'warn',
    build: { outDir: path.join(dist, 'renderer') },
  });
}

async function buildNode() {
  const common = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    external: ['better-sqlite3', 'electron'],
    logLevel: 'warning',
    absWorkingDir: root,
  };
  const esm = {
    format: 'esm',
    banner: { js: "import { createRequire as __assayCreateRequire } from 'node:module'; const require = __assayCreateRequire(import.meta.url);" },
  };
  await esbuild({ ...common, ...esm, entryPoints: ['electron/backend/cli/entry.ts'], outfile: path.join(dist, 'cli.mjs') });
  // The back end's worker thread (electron/backend/worker/pool.ts looks for it beside the bundle that starts it).
  await esbuild({ ...common, ...esm, entryPoints: ['electron/backend/worker/thread.ts'], outfile: path.join(dist, 'db-worker.mjs') });
  const cjsImportMeta = {
    define: { 'import.meta.url': '__assayImportMetaUrl' },
    banner: { js: "const __assayImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  };
  await esbuild({ ...common, ...cjsImportMeta, entryPoints: ['electron/main.ts'], outfile: path.join(dist, 'electron', 'main.cjs'), format: 'cjs' });
  await esbuild({ ...common, ...cjsImportMeta, entryPoints: ['electron/backend/worker/thread.ts'], outfile: path.join(dist, 'electron', 'db-worker.cjs'), format: 'cjs' });
  await esbuild({ ...common, entryPoints: ['electron/preload.ts'], outfile: path.join(dist, 'electron', 'preload.cjs'), format: 'cjs', sourcemap: false });
}

if (only === 'node') await buildNode();
else if (only === 'renderer') await buildRenderer();
else await Promise.all([buildNode(), buildRenderer()]);
console.log(`assay: built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
