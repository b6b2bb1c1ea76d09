import type { QueueEntry } from '../../../../shared/contract/review.js';

/**
 * The next item to work on after `current`: the first unfinished one after it, else before it, in
 * the same part of the queue (its study, or practice). Undefined when that part is done: then the
 * evaluator sees its finished screen instead of drifting from a study into practice.
 */
export function nextOpenItem(queue: readonly QueueEntry[], current: number): QueueEntry | undefined {
  const i = queue.findIndex((q) => q.id === current);
  const study = queue[i]?.study;
  const open = (q: QueueEntry): boolean => q.id !== current && q.study === study && (q.status === 'new' || q.status === 'open');
  return queue.slice(i + 1).find(open) ?? queue.slice(0, Math.max(0, i)).find(open);
}

/** How far an evaluator is in each part of their queue: each study, then practice (''), in queue order. */
export function queueProgress(queue: readonly QueueEntry[]): { readonly study: string; readonly done: number; readonly total: number }[] {
  const parts = new Map<string, { study: string; done: number; total: number }>();
  for (const q of queue) {
    let p = parts.get(q.study);
    if (!p) parts.set(q.study, (p = { study: q.study, done: 0, total: 0 }));
    p.total++;
    if (q.status === 'submitted' || q.status === 'skipped') p.done++;
  }
  return [...parts.values()];
}
