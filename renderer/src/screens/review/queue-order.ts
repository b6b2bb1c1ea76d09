import type { QueueEntry } from '../../../../shared/contract/review.js';

/** The next item to work on after `current`: the first unfinished one after it, else before it. */
export function nextOpenItem(queue: readonly QueueEntry[], current: number): QueueEntry | undefined {
  const i = queue.findIndex((q) => q.id === current);
  const open = (q: QueueEntry): boolean => q.id !== current && (q.status === 'new' || q.status === 'open');
  return queue.slice(i + 1).find(open) ?? queue.slice(0, Math.max(0, i)).find(open);
}
