#!/usr/bin/env node
// The `assay` command. The CLI is bundled to dist/ by `npm run build` (run by npm's `prepare`).
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

// ASSAY_DIST: an alternative build folder (see scripts/build.mjs).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const cli = pathToFileURL(path.join(path.resolve(root, process.env.ASSAY_DIST || 'dist'), 'cli.mjs'));
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('assay: the CLI is not built yet. Run `npm run build` in the Assay folder.\n');
  process.exit(1);
}
let main;
try {
  ({ main } = await import(cli.href));
} catch (err) {
  // A broken build or a missing dependency: one line, like every other CLI failure (no stack trace).
  process.stderr.write(`assay: cannot load the CLI (${fileURLToPath(cli)}): ${err instanceof Error ? err.message : String(err)}. Run \`npm run build\` in the Assay folder.\n`);
  process.exit(1);
}
await main();
