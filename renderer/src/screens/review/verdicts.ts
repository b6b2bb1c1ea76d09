import { useMemo } from 'react';
import { TaskTextIndexes, type TaskTexts } from '../../../../shared/anchors.js';
import type { ShownCritique, ReviewView } from '../../../../shared/contract/review.js';
import type { TaskFileView } from '../../../../shared/contract/tasks.js';
import type { OwnFlaw } from '../../../../shared/review/events.js';
import { replayReview, type Decision } from '../../../../shared/review/state.js';
import { viewTexts } from '../../../../shared/review/view-texts.js';
import type { CodeMark, LineSelection } from '../../components/code-view.js';
import { rangeOf } from './anchors.js';
import { flawPlace, initialFile, reviewOrder } from './change-files.js';
import type { Mark } from './chunked-text.js';
import { reasonLabel } from './forms.js';

/** How a decision reads on a critique card and in a hover. */
export function verdictText(d: Decision | undefined): string {
  if (!d) return 'Undecided';
  if (d.verdict === 'reject') return `Rejected${d.reason ? ` · ${reasonLabel(d.reason)}` : ''}`;
  return d.editedText !== undefined ? 'Accepted · edited' : 'Accepted';
}

/** The CSS class of a decision. */
export function verdictClass(d: Decision | undefined): string {
  if (!d) return 'cq-open';
  return d.verdict === 'reject' ? 'cq-rejected' : 'cq-accepted';
}

/** A task's texts with their line tables, kept for the task's lifetime (flaw marks resolve against them). */
export interface TaskLookup {
  readonly texts: TaskTexts;
  readonly indexes: TaskTextIndexes;
}

/** The texts of a task as the review gets it, with empty line tables. */
export function taskLookup(task: ReviewView['task']): TaskLookup {
  const texts = viewTexts(task);
  return { texts, indexes: new TaskTextIndexes(texts) };
}

/**
 * The line marks of a code task: critiques (by decision, the selected one outlined) and own flaws.
 * For a multi-file task, only those on the file `path`.
 */
export function codeMarksFor(
  task: ReviewView['task'],
  critiques: readonly ShownCritique[],
  decisions: Readonly<Record<string, Decision>>,
  flaws: readonly OwnFlaw[],
  selectedId: string | undefined,
  path: string | null = null,
  lookup: TaskLookup = taskLookup(task),
): CodeMark[] {
  if (task.kind !== 'code') return [];
  const marks: CodeMark[] = [];
  critiques.forEach((c, i) => {
    if (c.range && (c.range.path ?? null) === path) {
      marks.push({
        id: c.id,
        lines: c.range.lines,
        side: c.range.side,
        className: `${verdictClass(decisions[c.id])}${selectedId === c.id ? ' cq-selected' : ''}`,
        hover: `Critique ${i + 1} (${verdictText(decisions[c.id])}): ${c.text}`,
      });
    }
  });
  for (const f of flaws) {
    const r = flawPlace(f, lookup.texts, lookup.indexes);
    if (r && r.path === path) marks.push({ id: `own:${f.id}`, lines: r.lines, side: r.side, className: 'cq-own', hover: `Your flaw: ${f.description}` });
  }
  return marks;
}

/** The index of the first critique without a decision (0 when all are decided). */
export function firstUndecided(critiques: readonly ShownCritique[], decisions: Readonly<Record<string, Decision>>): number {
  const i = critiques.findIndex((c) => !decisions[c.id]);
  return i === -1 ? 0 : i;
}

/**
 * What the editor shows for one file of a change: a modified file as a diff, a new one as code,
 * a deleted one as its old text alone, marked deleted — its marks (all on old lines) moved to the
 * editor's one side, and lines selected there are old lines.
 */
export function fileCode(
  file: Pick<TaskFileView, 'output' | 'base' | 'deleted' | 'language'>,
  taskLanguage: string | null,
  marks: readonly CodeMark[],
  reveal: LineSelection | null,
): CodeLook {
  const language = file.language ?? taskLanguage ?? 'plaintext';
  if (!file.deleted || file.base === null) return { output: file.output, base: file.base, language, marks: [...marks], reveal, deleted: false };
  return {
    output: file.base,
    base: null,
    language,
    marks: marks.filter((m) => m.side === 'base').map((m) => ({ ...m, side: 'output' as const })),
    reveal: reveal && reveal.side === 'base' ? { ...reveal, side: 'output' } : null,
    deleted: true,
  };
}

/** The code a code item shows first — the task's, or the first file's of a multi-file task — with its marks and reveal. */
export interface CodeLook {
  readonly output: string;
  readonly base: string | null;
  readonly language: string;
  readonly marks: CodeMark[];
  readonly reveal: LineSelection | null;
  /** A deleted file's old text: shown as deleted. */
  readonly deleted: boolean;
}

/**
 * What a code item shows first (for off-screen rendering): the code of the first undecided
 * critique's file (a multi-file task), its marks, and that critique's lines. Must agree with what
 * the workspace shows on opening, or the prepared editor is not used.
 */
export function initialCodeLook(view: ReviewView): CodeLook {
  const task = view.task;
  const critiques = reviewOrder(view.critiques ?? [], task.files);
  const content = replayReview((view.review?.events ?? []).map((e) => e.event)).content;
  const first = critiques[firstUndecided(critiques, content.decisions)];
  const file = task.files ? task.files.find((f) => f.path === initialFile(task.files!, first))! : null;
  const path = file?.path ?? null;
  const onFile = first?.range && (first.range.path ?? null) === path ? first.range : null;
  const marks = codeMarksFor(task, critiques, content.decisions, content.flaws, first?.id, path);
  const reveal: LineSelection | null = onFile ? { lines: onFile.lines, side: onFile.side } : null;
  if (file) return fileCode(file, task.language, marks, reveal);
  return { output: task.output, base: task.base, language: task.language ?? 'plaintext', marks, reveal, deleted: false };
}

/**
 * What the panes highlight for the selected critique: its anchor and the other critiques and own
 * flaws in the output (summaries), its evidence in the document, and the line marks (code).
 */
export function useMarks(
  task: ReviewView['task'],
  critiques: readonly ShownCritique[],
  decisions: Readonly<Record<string, Decision>>,
  flaws: readonly OwnFlaw[],
  current: ShownCritique | undefined,
  /** A multi-file change: the open file (its marks only), and the task's texts. */
  path: string | null = null,
  lookup?: TaskLookup,
): { outputMarks: Mark[]; docMarks: Mark[]; codeMarks: CodeMark[] } {
  const outputMarks = useMemo((): Mark[] => {
    const marks: Mark[] = [];
    critiques.forEach((c, i) => {
      if (c.range && c.range.side === 'output') {
        marks.push({
          start: c.range.start16,
          end: c.range.end16,
          id: `c:${c.id}`,
          className: `cq ${verdictClass(decisions[c.id])}${current?.id === c.id ? ' cq-selected' : ''}`,
          title: `Critique ${i + 1}: ${c.text}`,
        });
      }
    });
    for (const f of task.kind === 'summary' ? flaws : []) {
      const r = rangeOf(f.anchor, task.output, task.base);
      if (r && r.side === 'output') marks.push({ start: r.start16, end: r.end16, id: `f:${f.id}`, className: 'own', title: `Your flaw: ${f.description}` });
    }
    return marks;
  }, [critiques, decisions, flaws, current, task]);

  const docMarks = useMemo(
    (): Mark[] =>
      (current?.evidence ?? []).flatMap((e, i) =>
        e.range ? [{ start: e.range.start16, end: e.range.end16, id: `ev:${i}`, className: 'evidence', title: e.note ?? 'Evidence for the selected critique' }] : [],
      ),
    [current],
  );

  const codeMarks = useMemo(
    (): CodeMark[] => codeMarksFor(task, critiques, decisions, flaws, current?.id, path, lookup),
    [task, critiques, decisions, flaws, current, path, lookup],
  );

  return { outputMarks, docMarks, codeMarks };
}
