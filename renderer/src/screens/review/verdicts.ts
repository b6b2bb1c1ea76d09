import { useMemo } from 'react';
import type { ShownCritique, ReviewView } from '../../../../shared/contract/review.js';
import type { OwnFlaw } from '../../../../shared/review/events.js';
import { replayReview, type Decision } from '../../../../shared/review/state.js';
import type { CodeMark, LineSelection } from '../../components/code-view.js';
import { rangeOf } from './anchors.js';
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

/** The line marks of a code task: critiques (by decision, the selected one outlined) and own flaws. */
export function codeMarksFor(
  task: ReviewView['task'],
  critiques: readonly ShownCritique[],
  decisions: Readonly<Record<string, Decision>>,
  flaws: readonly OwnFlaw[],
  selectedId: string | undefined,
): CodeMark[] {
  if (task.kind !== 'code') return [];
  const marks: CodeMark[] = [];
  critiques.forEach((c, i) => {
    if (c.range) {
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
    const r = rangeOf(f.anchor, task.output, task.base);
    if (r) marks.push({ id: `own:${f.id}`, lines: r.lines, side: r.side, className: 'cq-own', hover: `Your flaw: ${f.description}` });
  }
  return marks;
}

/** The index of the first critique without a decision (0 when all are decided). */
export function firstUndecided(critiques: readonly ShownCritique[], decisions: Readonly<Record<string, Decision>>): number {
  const i = critiques.findIndex((c) => !decisions[c.id]);
  return i === -1 ? 0 : i;
}

/** What a code item shows first: its marks and the first critique's lines (for off-screen rendering). */
export function initialCodeLook(view: ReviewView): { marks: CodeMark[]; reveal: LineSelection | null } {
  const critiques = view.critiques ?? [];
  const content = replayReview((view.review?.events ?? []).map((e) => e.event)).content;
  const first = critiques[firstUndecided(critiques, content.decisions)];
  return {
    marks: codeMarksFor(view.task, critiques, content.decisions, content.flaws, first?.id),
    reveal: first?.range ? { lines: first.range.lines, side: first.range.side } : null,
  };
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
    for (const f of flaws) {
      const r = rangeOf(f.anchor, task.output, task.base);
      if (r && r.side === 'output' && task.kind === 'summary') marks.push({ start: r.start16, end: r.end16, id: `f:${f.id}`, className: 'own', title: `Your flaw: ${f.description}` });
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

  const codeMarks = useMemo((): CodeMark[] => codeMarksFor(task, critiques, decisions, flaws, current?.id), [task, critiques, decisions, flaws, current]);

  return { outputMarks, docMarks, codeMarks };
}
