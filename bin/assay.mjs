#!/usr/bin/env node
// The `assay` command. The CLI is bundled to dist/ by `npm run build` (run by npm's `prepare`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const cli = new URL('../dist/cli.mjs', import.meta.url);
if (!existsSync(fileURLToPath(cli))) {
  process.stderr.write('assay: the CLI is not built yet. Run `npm run build` in the Assay folder.\n');
  process.exit(1);
}
const { main } = await import(cli.href);
await main();
