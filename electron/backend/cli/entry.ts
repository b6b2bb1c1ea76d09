// Bundled to dist/cli.mjs; bin/assay.mjs imports it.
export { main } from './main.js';
