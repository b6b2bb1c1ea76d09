import fs from 'node:fs';
import path from 'node:path';
import { changedLines, type ChangedLines } from '../changed-lines.js';

// The recipe of docs/code-datasets.md: QuixBugs and DebugBench (public bug data sets: a buggy and a
// fixed version of each program) as task packages through `assay import --from dirs`. For each
// program it writes a `before/` tree (the fixed program: the base), an `after/` tree (the buggy
// program: what the evaluator reviews) and a `--merge` file with the problem statement and the
// planted bug as a flaw, anchored on the lines that a real line diff (jsdiff's Myers diff, as git's)
// of the two versions says differ. Nothing of the data sets is stored in the repository.

/** One program of a data set: both versions and what is known about the bug. */
export interface CodeCase {
  readonly id: string;
  readonly title: string;
  /** The file name in the task (`gcd.py`). */
  readonly path: string;
  readonly language: string;
  /** The fixed program (the base of the diff). */
  readonly before: string;
  /** The buggy program (what the evaluator reviews). */
  readonly after: string;
  readonly problem: string;
  /** What the bug is (the data set's explanation, or a note that it has none). */
  readonly description: string;
  readonly category: string;
}

/** Lines of a text without the final newline's empty line. */
const linesOf = (text: string): string[] => text.replace(/\r\n/g, '\n').replace(/\n$/, '').split('\n');

const trimBlankLines = (lines: readonly string[]): string[] => {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.trim() === '') a++;
  while (b > a && lines[b - 1]!.trim() === '') b--;
  return lines.slice(a, b);
};

/** The code of a QuixBugs file (without its trailing docstring and the blank lines around it) and the docstring. */
function quixBugsParts(text: string): { code: string[]; doc: string | null } {
  const raw = linesOf(text);
  const at = raw.findIndex((l) => l.trim().startsWith('"""'));
  return { code: trimBlankLines(at >= 0 ? raw.slice(0, at) : raw), doc: at >= 0 ? raw.slice(at).join('\n').replace(/"""/g, '').trim() : null };
}

/**
 * QuixBugs (github.com/jkoppel/QuixBugs, MIT): each of the 40 buggy Python programs against its
 * corrected version. The buggy file ends with a docstring describing the problem (the problem
 * statement); the corrected file starts with a blank line and has no docstring — both are cut off
 * before the diff, or every line would "differ" for a naive line-by-line comparison.
 */
export function quixBugsCases(dir: string): CodeCase[] {
  const buggyDir = path.join(dir, 'python_programs');
  const fixedDir = path.join(dir, 'correct_python_programs');
  return fs
    .readdirSync(buggyDir)
    .filter((f) => f.endsWith('.py') && f !== 'node.py' && fs.existsSync(path.join(fixedDir, f)))
    .sort()
    .map((f) => {
      const name = f.replace(/\.py$/, '');
      const buggy = quixBugsParts(fs.readFileSync(path.join(buggyDir, f), 'utf8'));
      const fixed = quixBugsParts(fs.readFileSync(path.join(fixedDir, f), 'utf8'));
      return {
        id: `quixbugs-${name}`,
        title: `QuixBugs: ${name}`,
        path: f,
        language: 'python',
        before: `${fixed.code.join('\n')}\n`,
        after: `${buggy.code.join('\n')}\n`,
        problem: buggy.doc ?? `Implement ${name}.`,
        description: 'The one-line bug of QuixBugs (QuixBugs has no bug descriptions: the lines that differ from the corrected program).',
        category: 'bug',
      };
    });
}

interface DebugBenchItem {
  slug: string;
  description: string;
  examples: string[];
  constraints: string;
  oracle_code: string;
  buggy_code: string;
  explanations?: string;
}

/**
 * DebugBench (github.com/thunlp/DebugBench, Apache-2.0): the single-bug shards (`python3_*.json`),
 * the buggy code against the oracle, the bug's explanation as the flaw, the shard as category. Blank
 * lines around the code are trimmed (the buggy versions start with one). Some buggy versions also
 * lost the oracle's comments; the anchor then spans from the first to the last changed line.
 */
export function debugBenchCases(dir: string): CodeCase[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      const shard = f.replace(/\.json$/, '').replace(/[^a-z0-9]+/gi, '-');
      const items = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as DebugBenchItem[];
      return items.map((item, i) => ({
        id: `debugbench-${shard}-${i}-${item.slug}`,
        title: `DebugBench: ${item.slug}`,
        path: 'solution.py',
        language: 'python',
        // the buggy code starts with a blank line the oracle does not have: trimmed, as for QuixBugs
        before: `${trimBlankLines(linesOf(item.oracle_code)).join('\n')}\n`,
        after: `${trimBlankLines(linesOf(item.buggy_code)).join('\n')}\n`,
        problem: [item.description, ...item.examples, `Constraints: ${item.constraints}`].join('\n\n'),
        description: item.explanations ?? 'A planted bug.',
        category: shard,
      }));
    });
}

/** The planted bug's anchor: the changed lines of the buggy version (first to last), else the removed lines of the fixed one; null when they are equal. */
export function bugAnchor(c: Pick<CodeCase, 'before' | 'after' | 'path'>, diff: ChangedLines = changedLines(c.before, c.after)): Record<string, unknown> | null {
  if (diff.output.length) return { path: c.path, lines: [diff.output[0]!, diff.output[diff.output.length - 1]!] };
  if (diff.base.length) return { path: c.path, lines: [diff.base[0]!, diff.base[diff.base.length - 1]!], side: 'base' };
  return null;
}

/** The merge file of a case: the problem statement and the planted bug as a flaw. */
export function mergeOf(c: CodeCase): Record<string, unknown> {
  const anchor = bugAnchor(c);
  return { context: { problem: c.problem }, flaws: [{ id: 'bug', description: c.description, category: c.category, ...(anchor ? { anchor } : {}) }] };
}

/** The `assay import` arguments of a prepared case (without `--db`). */
export function importArgs(c: CodeCase, dir: string): string[] {
  return ['import', '--from', 'dirs', '--before', path.join(dir, 'before'), '--after', path.join(dir, 'after'), '--id', c.id, '--title', c.title, '--language', c.language, '--merge', path.join(dir, 'merge.json')];
}

const shellQuote = (s: string): string => (/^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`);

/**
 * Writes each case as `OUT/ID/before/PATH`, `OUT/ID/after/PATH` and `OUT/ID/merge.json`, and
 * `OUT/import.sh` with one `assay import --from dirs` per case; returns the argument lists.
 */
export function writeRecipe(cases: readonly CodeCase[], out: string): string[][] {
  const commands: string[][] = [];
  for (const c of cases) {
    const dir = path.join(out, c.id);
    for (const [side, text] of [['before', c.before], ['after', c.after]] as const) {
      fs.mkdirSync(path.join(dir, side), { recursive: true });
      fs.writeFileSync(path.join(dir, side, c.path), text);
    }
    fs.writeFileSync(path.join(dir, 'merge.json'), `${JSON.stringify(mergeOf(c), null, 1)}\n`);
    commands.push(importArgs(c, dir));
  }
  const script = ['#!/bin/sh', '# Written by scripts/code-datasets.ts (docs/code-datasets.md). Add --dry-run to check first.', 'set -e', ...commands.map((a) => `assay ${a.map(shellQuote).join(' ')} "$@"`), ''].join('\n');
  fs.writeFileSync(path.join(out, 'import.sh'), script, { mode: 0o755 });
  return commands;
}
