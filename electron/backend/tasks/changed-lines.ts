import { diffLines } from 'diff';
import type { ResolvedAnchor } from '../../../shared/anchors.js';
import { findFile } from '../../../shared/task-files.js';
import type { ValidTask } from '../../../shared/task-format.js';

// Which lines a change touches, by a real line diff (jsdiff's Myers diff, as `git diff` computes
// it): lines added or changed in the output, lines removed or changed in the base. A naive
// comparison of line i with line i is fooled by one inserted line (every later line "differs");
// an LCS diff is not. The importer uses it to warn about ground-truth flaws anchored on lines the
// change does not touch (docs/task-format.md, "Anchors and the diff").

/** The 1-based lines a change touches on each side. */
export interface ChangedLines {
  /** Lines of the output that are new or changed. */
  readonly output: readonly number[];
  /** Lines of the base that were removed or changed. */
  readonly base: readonly number[];
}

/** The lines that differ between `base` and `output` (a final newline does not start another line). */
export function changedLines(base: string, output: string): ChangedLines {
  const out: number[] = [];
  const old: number[] = [];
  let o = 1;
  let b = 1;
  for (const c of diffLines(base, output)) {
    const n = c.count;
    if (c.added) for (let i = 0; i < n; i++) out.push(o++);
    else if (c.removed) for (let i = 0; i < n; i++) old.push(b++);
    else {
      o += n;
      b += n;
    }
  }
  return { output: out, base: old };
}

/** `[5, 6, 7, 9]` as `5–7, 9`. */
export function lineRanges(lines: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < lines.length; ) {
    let j = i;
    while (j + 1 < lines.length && lines[j + 1] === lines[j]! + 1) j++;
    parts.push(i === j ? `${lines[i]}` : `${lines[i]}–${lines[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** One warning about one anchor: the field (`flaws[0].anchor`) and the message. */
export interface AnchorWarning {
  readonly path: string;
  readonly message: string;
}

/**
 * Ground-truth flaws of a code task whose anchor touches no line the change touches on its side: a
 * flaw planted in a diff is on changed lines, so such an anchor is most likely on the wrong line
 * (or the wrong file, or the wrong side). A warning, not an error: a flaw can sit in an unchanged
 * line that the change broke. Only tasks with a base (or files with a base) have a diff.
 */
export function anchorsOffTheDiff(valid: ValidTask): AnchorWarning[] {
  const { task, texts } = valid;
  if (task.kind !== 'code' || !(task.flaws ?? []).some((f) => f.anchor)) return [];
  const diffs = new Map<string, ChangedLines | null>();
  const diffOf = (path: string | undefined): ChangedLines | null => {
    const key = path ?? '';
    if (!diffs.has(key)) {
      const file = path !== undefined && texts.files ? findFile(texts.files, path) : undefined;
      const base = file ? (file.base ?? null) : texts.base;
      const output = file ? file.output : texts.output;
      diffs.set(key, base === null ? null : changedLines(base, output));
    }
    return diffs.get(key)!;
  };
  const out: AnchorWarning[] = [];
  (task.flaws ?? []).forEach((f, i) => {
    const r: ResolvedAnchor | null | undefined = valid.flawAnchors[i];
    if (!r) return;
    const diff = diffOf(r.path);
    if (!diff) return; // new code: every line is new
    const changed = r.side === 'base' ? diff.base : diff.output;
    const [first, last] = r.lines;
    if (changed.some((l) => l >= first && l <= last)) return;
    const where = `${first === last ? `line ${first}` : `lines ${first}–${last}`} of ${r.side === 'base' ? 'the base' : 'the output'}${r.path !== undefined ? ` of ${JSON.stringify(r.path)}` : ''}`;
    const change =
      diff.output.length === 0 && diff.base.length === 0
        ? 'the file does not change'
        : `the change is on ${[diff.output.length ? `output lines ${lineRanges(diff.output)}` : '', diff.base.length ? `base lines ${lineRanges(diff.base)}` : ''].filter(Boolean).join(' and ')}`;
    out.push({ path: `flaws[${i}].anchor`, message: `${where} ${first === last ? 'touches' : 'touch'} no changed line (${change}): is the flaw anchored on the right lines?` });
  });
  return out;
}
