// `npx tsx scripts/code-datasets.ts quixbugs|debugbench RAW_DIR OUT_DIR`: the recipe of
// docs/code-datasets.md. Writes one before/after tree and merge file per program, and
// OUT_DIR/import.sh, which imports them with `assay import --from dirs` (pass --db PATH to it).
import { debugBenchCases, quixBugsCases, writeRecipe } from '../electron/backend/tasks/recipes/code-datasets.js';

const [set, raw, out] = process.argv.slice(2);
if ((set !== 'quixbugs' && set !== 'debugbench') || raw === undefined || out === undefined) {
  process.stderr.write('usage: npx tsx scripts/code-datasets.ts quixbugs|debugbench RAW_DIR OUT_DIR\n');
  process.exit(2);
}
const cases = set === 'quixbugs' ? quixBugsCases(raw) : debugBenchCases(raw);
const commands = writeRecipe(cases, out);
process.stdout.write(`${commands.length} programs written to ${out}; import them with: sh ${out}/import.sh --db PATH\n`);
