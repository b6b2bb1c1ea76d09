import type { ReviewView } from '../../../../shared/contract/review.js';
import { call } from '../../api/client.js';

// Views fetched ahead of time (read-only `review:view`), keyed by evaluator and item.
const views = new Map<string, Promise<ReviewView>>();
const key = (evaluator: string, item: number): string => `${evaluator}\u0000${item}`;

/** Starts loading an item's view in the background (no review is started). */
export function prefetchView(evaluator: string, item: number): void {
  const k = key(evaluator, item);
  if (views.has(k)) return;
  const p = call('review:view', { evaluator, item });
  p.catch(() => views.delete(k));
  views.set(k, p);
  if (views.size > 8) views.delete(views.keys().next().value!);
}

/** A prefetched view, once (it is dropped so a later visit sees fresh data). */
export function takePrefetched(evaluator: string, item: number): Promise<ReviewView> | undefined {
  const k = key(evaluator, item);
  const p = views.get(k);
  views.delete(k);
  return p;
}

/** Loads the code view's module (Monaco) before it is needed. */
export function prefetchCodeView(): void {
  void import('../../components/code-view.js');
}
