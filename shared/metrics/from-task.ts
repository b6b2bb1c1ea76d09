import { resolveAnchor, TextIndex } from '../anchors.js';
import type { Anchor, TaskInput } from '../task-format.js';
import type { MetricAnchor, MetricTask } from './types.js';

/**
 * Resolves an anchor for matching against a task's output (or `base`); null when there is none or
 * it does not resolve (an unresolvable anchor can only be matched by adjudication).
 */
export function metricAnchor(anchor: Anchor | null | undefined, output: string, base: string | null | undefined, index?: TextIndex): MetricAnchor | null {
  if (!anchor) return null;
  const r = resolveAnchor(anchor, output, { base: base ?? null, ...(index ? { index } : {}) });
  if (!r.ok) return null;
  const { start, end, lines, side } = r.value;
  return { start, end, lines, side };
}

/** The text an anchor covers (for display), at most `max` UTF-16 units; null without an anchor. */
export function anchorQuote(anchor: MetricAnchor | null, output: string, base: string | null | undefined, max = 300): string | null {
  if (!anchor) return null;
  const text = anchor.side === 'base' ? (base ?? '') : output;
  const index = new TextIndex(text);
  const s16 = index.toUtf16(anchor.start);
  const e16 = index.toUtf16(anchor.end);
  const quote = text.slice(s16, e16);
  return quote.length > max ? `${quote.slice(0, max)}…` : quote;
}

/** The metrics' view of a task from the task package format. */
export function metricTaskFromInput(task: TaskInput): MetricTask {
  const index = new TextIndex(task.output);
  return {
    id: task.id,
    kind: task.kind,
    title: task.title ?? null,
    critiques: (task.critiques ?? []).map((c) => ({ id: c.id, valid: c.valid ?? null, severity: c.severity ?? null, category: c.category ?? null, text: c.text })),
    flaws: (task.flaws ?? []).map((f) => {
      const anchor = metricAnchor(f.anchor, task.output, task.base, index);
      return {
        id: f.id,
        anchor,
        severity: f.severity ?? null,
        category: f.category ?? null,
        critiques: f.critiques ?? [],
        description: f.description,
        quote: anchorQuote(anchor, task.output, task.base),
      };
    }),
  };
}
