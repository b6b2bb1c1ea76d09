import { useEffect } from 'react';
import type { QueueEntry, ReviewView } from '../../../../shared/contract/review.js';
import { call } from '../../api/client.js';
import { initialCodeLook } from './verdicts.js';

// Views fetched ahead of time (read-only `review:view`), keyed by evaluator and item.
const views = new Map<string, Promise<ReviewView>>();
const key = (evaluator: string, item: number): string => `${evaluator}\u0000${item}`;

/** Starts loading an item's view in the background (no review is started); returns the promise. */
export function prefetchView(evaluator: string, item: number): Promise<ReviewView> {
  const k = key(evaluator, item);
  const known = views.get(k);
  if (known) return known;
  const p = call('review:view', { evaluator, item });
  p.catch(() => views.delete(k));
  views.set(k, p);
  if (views.size > 8) views.delete(views.keys().next().value!);
  return p;
}

/**
 * For a code item: once its view is in, renders its editor off screen in idle time, so that
 * showing it is a move of finished DOM. `size` is where it will appear.
 */
export function prepareCode(view: Promise<ReviewView>, size: () => { width: number; height: number }): () => void {
  let cancelled = false;
  void Promise.all([view, import('../../components/code-view.js')]).then(([v, m]) => {
    if (cancelled || v.task.kind !== 'code') return;
    const run = (): void => {
      if (cancelled) return;
      const { width, height } = m.lastCodeViewSize() ?? size();
      const look = initialCodeLook(v);
      m.prepareCodeView(v.task.output, v.task.base, v.task.language ?? 'plaintext', width, height, look.marks, look.reveal);
    };
    if (typeof window.requestIdleCallback === 'function') window.requestIdleCallback(run, { timeout: 1000 });
    else window.setTimeout(run, 200);
  }, () => undefined);
  return () => {
    cancelled = true;
  };
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

/** Prefetches the next item (and, for code, Monaco and its editor off screen) once this one is on screen. */
export function usePrefetch(evaluator: string, next: QueueEntry | undefined): void {
  useEffect(() => {
    if (!next) return;
    const view = prefetchView(evaluator, next.id);
    if (next.kind !== 'code') return;
    prefetchCodeView();
    return prepareCode(view, () => {
      const here = document.querySelector('.ws-code .code-host');
      if (here) return { width: here.clientWidth, height: here.clientHeight };
      const panes = document.querySelector('.ws-panes');
      return { width: (panes?.clientWidth ?? window.innerWidth) * 0.52, height: Math.max(200, (panes?.clientHeight ?? window.innerHeight) - 40) };
    });
  }, [evaluator, next]);
}
