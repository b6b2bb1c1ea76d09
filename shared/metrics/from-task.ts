import { resolveTaskAnchor, TaskTextIndexes, TextIndex, type Anchor, type TaskTexts } from '../anchors.js';
import { findFile } from '../task-files.js';
import { taskTexts, type TaskInput } from '../task-format.js';
import type { MetricAnchor, MetricTask } from './types.js';

/**
 * Resolves an anchor for matching against a task's texts (its output or `base`, or the file its
 * `path` names); null when there is none or it does not resolve (an unresolvable anchor can only be
 * matched by adjudication).
 */
export function metricAnchor(anchor: Anchor | null | undefined, task: TaskTexts, indexes?: TaskTextIndexes): MetricAnchor | null {
  if (!anchor) return null;
  const r = resolveTaskAnchor(anchor, task, indexes);
  if (!r.ok) return null;
  const { start, end, lines, side, path } = r.value;
  return { start, end, lines, side, ...(path !== undefined ? { path } : {}) };
}

/** The text an anchor covers (for display), at most `max` UTF-16 units; null without an anchor. */
export function anchorQuote(anchor: MetricAnchor | null, task: TaskTexts, max = 300): string | null {
  if (!anchor) return null;
  const file = anchor.path !== undefined && task.files ? findFile(task.files, anchor.path) : undefined;
  const output = file ? file.output : task.output;
  const base = file ? (file.base ?? null) : task.base;
  const text = anchor.side === 'base' ? (base ?? '') : output;
  const index = new TextIndex(text);
  const s16 = index.toUtf16(anchor.start);
  const e16 = index.toUtf16(anchor.end);
  const quote = text.slice(s16, e16);
  return quote.length > max ? `${quote.slice(0, max)}…` : quote;
}

/** The metrics' view of a task from the task package format. */
export function metricTaskFromInput(task: TaskInput): MetricTask {
  const texts = taskTexts(task);
  const indexes = new TaskTextIndexes(texts);
  return {
    id: task.id,
    kind: task.kind,
    title: task.title ?? null,
    critiques: (task.critiques ?? []).map((c) => ({ id: c.id, valid: c.valid ?? null, severity: c.severity ?? null, category: c.category ?? null, text: c.text })),
    flaws: (task.flaws ?? []).map((f) => {
      const anchor = metricAnchor(f.anchor, texts, indexes);
      return {
        id: f.id,
        anchor,
        severity: f.severity ?? null,
        category: f.category ?? null,
        critiques: f.critiques ?? [],
        description: f.description,
        quote: anchorQuote(anchor, texts),
      };
    }),
  };
}
