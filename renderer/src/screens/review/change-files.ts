import { resolveTaskAnchor, TaskTextIndexes, type TaskTexts } from '../../../../shared/anchors.js';
import type { ShownCritique } from '../../../../shared/contract/review.js';
import type { TaskFileView } from '../../../../shared/contract/tasks.js';
import type { OwnFlaw } from '../../../../shared/review/events.js';
import type { Decision } from '../../../../shared/review/state.js';

// The pull-request view of a multi-file code task (task format 1.1), as pure functions: the order
// critiques are reviewed in, what the file list counts, where a flaw points. No DOM, no React.

/** How a file changed, as the file list and the diff's header say it. */
export type FileStatus = 'added' | 'deleted' | 'renamed' | 'modified';

/** A file's status: new (no base), deleted, renamed (from another path) or modified. */
export function fileStatus(f: Pick<TaskFileView, 'base' | 'deleted' | 'renamedFrom'>): FileStatus {
  if (f.deleted) return 'deleted';
  if (f.base === null) return 'added';
  return f.renamedFrom !== null ? 'renamed' : 'modified';
}

/**
 * The critiques in review order for a multi-file task: those about the whole change (no resolved
 * place) first, then file by file in the task's order, by first line within a file (the order
 * given breaks ties, so the output is stable). A single-file task keeps the order it was given.
 */
export function reviewOrder(critiques: readonly ShownCritique[], files: readonly Pick<TaskFileView, 'path'>[] | null): readonly ShownCritique[] {
  if (!files) return critiques;
  const rank = new Map(files.map((f, i) => [f.path, i]));
  const key = (c: ShownCritique): [number, number] => {
    const path = c.range?.path;
    if (!c.range || path === null || path === undefined) return [-1, 0];
    return [rank.get(path) ?? files.length, c.range.lines[0]];
  };
  return critiques
    .map((c, i) => ({ c, i, k: key(c) }))
    .sort((a, b) => a.k[0] - b.k[0] || a.k[1] - b.k[1] || a.i - b.i)
    .map((x) => x.c);
}

/** The file an own flaw points into, or null (about the whole change, or not resolvable). */
export function flawPath(flaw: OwnFlaw): string | null {
  return flaw.anchor?.path ?? null;
}

/** What the file list shows for one file. */
export interface FileCounts {
  readonly critiques: number;
  readonly undecided: number;
  readonly flaws: number;
}

/** Per file: its critiques, how many are still undecided, and the evaluator's own flaws on it. */
export function fileCounts(
  files: readonly Pick<TaskFileView, 'path'>[],
  critiques: readonly ShownCritique[],
  decisions: Readonly<Record<string, Decision>>,
  flaws: readonly OwnFlaw[],
): ReadonlyMap<string, FileCounts> {
  const out = new Map<string, { critiques: number; undecided: number; flaws: number }>(files.map((f) => [f.path, { critiques: 0, undecided: 0, flaws: 0 }]));
  for (const c of critiques) {
    const n = c.range?.path ? out.get(c.range.path) : undefined;
    if (!n) continue;
    n.critiques++;
    if (!decisions[c.id]) n.undecided++;
  }
  for (const f of flaws) {
    const path = flawPath(f);
    const n = path !== null ? out.get(path) : undefined;
    if (n) n.flaws++;
  }
  return out;
}

/**
 * Where `]` / `[` go: the path `step` files away from `path` (clamped to the list), and the
 * critique to select there — its first undecided one, else its first — or undefined when it has none.
 */
export function stepFile(
  files: readonly Pick<TaskFileView, 'path'>[],
  path: string,
  step: number,
  ordered: readonly ShownCritique[],
  decisions: Readonly<Record<string, Decision>>,
): { path: string; critique: number | undefined } {
  const at = Math.max(0, files.findIndex((f) => f.path === path));
  const next = files[Math.min(files.length - 1, Math.max(0, at + step))]!.path;
  const inFile = ordered.flatMap((c, i) => (c.range?.path === next ? [i] : []));
  const open = inFile.find((i) => !decisions[ordered[i]!.id]);
  return { path: next, critique: open ?? inFile[0] };
}

/** The file a review of a multi-file task opens on: the first undecided critique's, else the first file. */
export function initialFile(files: readonly Pick<TaskFileView, 'path'>[], selected: ShownCritique | undefined): string {
  const p = selected?.range?.path;
  return p && files.some((f) => f.path === p) ? p : files[0]!.path;
}

/**
 * The place of an own flaw in a task's texts (its file and side), or null when it has no anchor
 * or the anchor no longer resolves. `indexes` reuses line tables across calls.
 */
export function flawPlace(
  flaw: OwnFlaw,
  texts: TaskTexts,
  indexes: TaskTextIndexes,
): { readonly path: string | null; readonly lines: readonly [number, number]; readonly side: 'output' | 'base'; readonly start16: number; readonly end16: number } | null {
  if (!flaw.anchor) return null;
  const r = resolveTaskAnchor(flaw.anchor, texts, indexes);
  return r.ok ? { path: r.value.path ?? null, lines: r.value.lines, side: r.value.side, start16: r.value.start16, end16: r.value.end16 } : null;
}
