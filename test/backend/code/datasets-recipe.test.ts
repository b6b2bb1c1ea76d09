import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { openDatabase } from '../../../electron/backend/db/open.js';
import { debugBenchCases, quixBugsCases, writeRecipe, type CodeCase } from '../../../electron/backend/tasks/recipes/code-datasets.js';
import { captureCli } from '../../helpers/cli.js';
import { describeWithDatasets } from '../../helpers/datasets.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';

// The recipe of docs/code-datasets.md run on the real QuixBugs and DebugBench files: every program
// through `assay import --from dirs`, and every planted bug's anchor checked against the lines that
// git itself says differ between the two versions (`git diff --no-index`), not against our diff.

/** The lines `git diff --no-index -U0` marks as changed: new-side lines, and old-side lines of pure deletions. */
function gitDiffLines(before: string, after: string): { output: number[]; base: number[] } {
  const run = spawnSync('git', ['diff', '--no-index', '-U0', '--no-color', before, after], { encoding: 'utf8' });
  expect(run.status, run.stderr).toBeLessThanOrEqual(1); // 1: they differ
  const output: number[] = [];
  const base: number[] = [];
  for (const m of run.stdout.matchAll(/^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/gm)) {
    const [oldStart, oldCount, newStart, newCount] = [Number(m[1]), m[2] === undefined ? 1 : Number(m[2]), Number(m[3]), m[4] === undefined ? 1 : Number(m[4])];
    for (let i = 0; i < newCount; i++) output.push(newStart + i);
    for (let i = 0; i < oldCount; i++) base.push(oldStart + i);
  }
  return { output, base };
}

/** Runs the recipe for `cases` into a new database; returns the database and the folder. */
async function runRecipe(cases: readonly CodeCase[]): Promise<{ db: string; out: string }> {
  const out = tempDir('assay-recipe-');
  const db = tempDbPath();
  const commands = writeRecipe(cases, out);
  expect(fs.readFileSync(path.join(out, 'import.sh'), 'utf8').split('\n').filter((l) => l.startsWith('assay import --from dirs'))).toHaveLength(cases.length);
  for (const argv of commands) {
    const r = await captureCli([...argv, '--db', db]);
    expect(r.code, r.err).toBe(0);
    expect(r.err, argv.join(' ')).toBe(''); // no warning: no anchor off the diff, nothing left out
  }
  return { db, out };
}

/**
 * Checks every stored flaw against git's diff of the case's two files; returns how many were
 * anchored. `exact`: the anchor spans git's changed lines, first to last. Otherwise it covers them
 * all and any line it has beyond them is blank (two diffs may align a blank line differently).
 */
function checkAnchors(db: string, out: string, cases: readonly CodeCase[], exact: boolean): { anchored: number; oneBlock: number; oneLine: number } {
  const h = openDatabase(db);
  let anchored = 0;
  let oneBlock = 0;
  let oneLine = 0;
  try {
    for (const c of cases) {
      const row = h.prepare("SELECT resolved_json FROM flaws WHERE task_id = ? AND id = 'bug'").get(c.id) as { resolved_json: string | null };
      const git = gitDiffLines(path.join(out, c.id, 'before', c.path), path.join(out, c.id, 'after', c.path));
      if (row.resolved_json === null) {
        expect(git, c.id).toEqual({ output: [], base: [] }); // only identical versions have no anchor
        continue;
      }
      anchored++;
      const r = JSON.parse(row.resolved_json) as { lines: [number, number]; side: string; path: string };
      expect(r.path).toBe(c.path);
      const changed = r.side === 'base' ? git.base : git.output;
      expect(changed.length, c.id).toBeGreaterThan(0);
      const [first, last] = [changed[0]!, changed[changed.length - 1]!];
      if (last - first + 1 === changed.length) oneBlock++;
      if (r.lines[0] === r.lines[1]) oneLine++;
      if (exact) expect(r.lines, c.id).toEqual([first, last]);
      else {
        expect(r.lines[0], c.id).toBeLessThanOrEqual(first);
        expect(r.lines[1], c.id).toBeGreaterThanOrEqual(last);
        const text = (r.side === 'base' ? c.before : c.after).split('\n');
        for (let l = r.lines[0]; l < first; l++) expect(text[l - 1]!.trim(), `${c.id} line ${l}`).toBe('');
        for (let l = last + 1; l <= r.lines[1]; l++) expect(text[l - 1]!.trim(), `${c.id} line ${l}`).toBe('');
      }
      if (r.side === 'base') expect(git.output, c.id).toEqual([]);
    }
  } finally {
    h.close();
  }
  return { anchored, oneBlock, oneLine };
}

describeWithDatasets('the code data-set recipe (docs/code-datasets.md)', ['raw/quixbugs', 'raw/debugbench'], (dataset) => {
  it('QuixBugs: 40 programs through --from dirs, every planted bug anchored on exactly the lines git says differ', async () => {
    const cases = quixBugsCases(dataset('raw/quixbugs'));
    expect(cases).toHaveLength(40);
    const { db, out } = await runRecipe(cases);
    expect(checkAnchors(db, out, cases, true)).toEqual({ anchored: 40, oneBlock: 38, oneLine: 38 });
    const h = openDatabase(db);
    const gcd = h.prepare("SELECT t.files_json, f.resolved_json FROM tasks t JOIN flaws f ON f.task_id = t.id WHERE t.id = 'quixbugs-gcd'").get() as { files_json: string; resolved_json: string };
    h.close();
    const [file] = JSON.parse(gcd.files_json) as { output: string }[];
    const r = JSON.parse(gcd.resolved_json) as { start16: number; end16: number };
    expect(file!.output.slice(r.start16, r.end16)).toBe('        return gcd(a % b, b)'); // the buggy line, and only it
  }, 120_000);

  it("DebugBench: 114 single-bug items through --from dirs, every planted bug's anchor covering the lines git says differ (and only blank lines more)", async () => {
    const cases = debugBenchCases(dataset('raw/debugbench'));
    expect(cases).toHaveLength(114);
    const { db, out } = await runRecipe(cases);
    // some buggy versions also lost the oracle's comments: their changed lines are not one block
    expect(checkAnchors(db, out, cases, false)).toEqual({ anchored: 114, oneBlock: 99, oneLine: 85 });
  }, 300_000);

  it("the issue's trap: anchors from a naive line-by-line comparison of the raw files (a leading blank line, a trailing docstring) are accepted silently no more: --dry-run warns for each", async () => {
    const raw = dataset('raw/quixbugs');
    const tasks = ['gcd', 'flatten'].map((name) => {
      const before = fs.readFileSync(path.join(raw, 'correct_python_programs', `${name}.py`), 'utf8');
      const after = fs.readFileSync(path.join(raw, 'python_programs', `${name}.py`), 'utf8');
      const b = before.split('\n');
      const a = after.split('\n');
      const naive = a.findIndex((line, i) => line !== b[i]) + 1; // fooled by the corrected file's leading blank line
      return { id: name, kind: 'code', language: 'python', base: before, output: after, flaws: [{ id: 'bug', description: 'The bug.', anchor: { lines: [naive, naive] } }] };
    });
    const file = path.join(tempDir(), 'hand-written.jsonl');
    fs.writeFileSync(file, tasks.map((t) => JSON.stringify(t)).join('\n'));
    const r = await captureCli(['import', '--json', file, '--dry-run', '--db', tempDbPath()]);
    expect(r.code, r.err).toBe(0);
    expect(r.err.split('\n').filter((l) => l.startsWith('warning: '))).toEqual([
      expect.stringMatching(/^warning: .*hand-written\.jsonl:1: flaws\[0\]\.anchor: line 1 of the output touches no changed line \(the change is on output lines 5, 7–26 and base lines 1, 6\): is the flaw anchored on the right lines\?$/),
      expect.stringMatching(/^warning: .*hand-written\.jsonl:2: flaws\[0\]\.anchor: line 1 of the output touches no changed line/),
    ]);
    expect(JSON.parse(r.out)).toMatchObject({ dryRun: true, tasks: 2, warnings: 2 });
  });
});
