// Converters from the raw code data sets (QuixBugs, DebugBench: `raw/` of the data-set folder, see
// docs/task-format.md, "Real data") to task package v1 code tasks, used by the real-data test (the
// data are never copied into the repository).
import fs from 'node:fs';
import path from 'node:path';

/** A code task as the converters build it. */
export interface CodeTask {
  readonly id: string;
  readonly kind: 'code';
  readonly title: string;
  readonly language: string;
  readonly context: { readonly problem: string };
  readonly base: string;
  readonly output: string;
  readonly flaws: readonly { id: string; description: string; anchor?: { lines: [number, number]; side?: 'base' } ; category: string }[];
  readonly meta: Record<string, unknown>;
}

/**
 * The 1-based line ranges where `after` differs from `before` (an LCS line diff; the files are
 * small). A deletion shows as a range in `before` only.
 */
export function changedLines(before: readonly string[], after: readonly string[]): { after: [number, number] | null; before: [number, number] | null } {
  const n = before.length;
  const m = after.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) for (let j = m - 1; j >= 0; j--) lcs[i]![j] = before[i] === after[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
  const changedAfter: number[] = [];
  const changedBefore: number[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && before[i] === after[j]) {
      i++;
      j++;
    } else if (j < m && (i === n || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) changedAfter.push(++j);
    else changedBefore.push(++i);
  }
  const range = (xs: number[]): [number, number] | null => (xs.length ? [xs[0]!, xs[xs.length - 1]!] : null);
  return { after: range(changedAfter), before: range(changedBefore) };
}

const trimBlankLines = (lines: string[]): string[] => {
  let a = 0;
  let b = lines.length;
  while (a < b && lines[a]!.trim() === '') a++;
  while (b > a && lines[b - 1]!.trim() === '') b--;
  return lines.slice(a, b);
};

/**
 * QuixBugs: each buggy program (output) against its corrected version (base). The buggy file ends
 * with a docstring describing the problem, which becomes `context.problem`; the flaw is anchored on
 * the lines that differ (QuixBugs has no bug descriptions, so the description says so).
 */
export function quixBugsTasks(dir: string): CodeTask[] {
  const buggyDir = path.join(dir, 'python_programs');
  return fs
    .readdirSync(buggyDir)
    .filter((f) => f.endsWith('.py') && f !== 'node.py' && fs.existsSync(path.join(dir, 'correct_python_programs', f)))
    .sort()
    .map((f) => {
      const name = f.replace(/\.py$/, '');
      const raw = fs.readFileSync(path.join(buggyDir, f), 'utf8').replace(/\r\n/g, '\n').split('\n');
      const doc = raw.findIndex((l) => l.trim().startsWith('"""'));
      const code = trimBlankLines(doc >= 0 ? raw.slice(0, doc) : raw);
      const problem = doc >= 0 ? raw.slice(doc).join('\n').replace(/"""/g, '').trim() : `Implement ${name}.`;
      const correctRaw = fs.readFileSync(path.join(dir, 'correct_python_programs', f), 'utf8').replace(/\r\n/g, '\n').split('\n');
      // the corrected files carry extra test scaffolding after the function: keep as many lines as the buggy code's region
      const correct = trimBlankLines(correctRaw.slice(0, Math.max(correctRaw.findIndex((l) => l.trim().startsWith('"""')), 0) || correctRaw.length));
      const diff = changedLines(correct, code);
      const anchor = diff.after ? { lines: diff.after } : diff.before ? { lines: diff.before, side: 'base' as const } : undefined;
      return {
        id: `quixbugs-${name}`,
        kind: 'code' as const,
        title: `QuixBugs: ${name}`,
        language: 'python',
        context: { problem },
        base: `${correct.join('\n')}\n`,
        output: `${code.join('\n')}\n`,
        flaws: [{ id: 'bug', description: 'The one-line bug of QuixBugs (the lines that differ from the corrected program).', category: 'bug', ...(anchor ? { anchor } : {}) }],
        meta: { source: 'QuixBugs (MIT)', program: f },
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
  level: string;
}

/** DebugBench single-bug shards: buggy code (output) against the oracle (base), the explanation as the flaw. */
export function debugBenchTasks(dir: string): CodeTask[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .flatMap((f) => {
      const shard = f.replace(/\.json$/, '').replace(/[^a-z0-9]+/gi, '-');
      const items = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8')) as DebugBenchItem[];
      return items.map((item, i) => {
        const base = item.oracle_code.replace(/\r\n/g, '\n');
        const output = item.buggy_code.replace(/\r\n/g, '\n');
        const lines = (text: string): string[] => text.replace(/\n$/, '').split('\n'); // a final newline ends the last line
        const diff = changedLines(lines(base), lines(output));
        const anchor = diff.after ? { lines: diff.after } : diff.before ? { lines: diff.before, side: 'base' as const } : undefined;
        return {
          id: `debugbench-${shard}-${i}-${item.slug}`,
          kind: 'code' as const,
          title: `DebugBench: ${item.slug}`,
          language: 'python',
          context: { problem: [item.description, ...item.examples, `Constraints: ${item.constraints}`].join('\n\n') },
          base,
          output,
          flaws: [{ id: 'bug', description: item.explanations ?? 'A planted bug.', category: shard, ...(anchor ? { anchor } : {}) }],
          meta: { source: 'DebugBench (Apache-2.0)', shard: f, level: item.level },
        };
      });
    });
}
