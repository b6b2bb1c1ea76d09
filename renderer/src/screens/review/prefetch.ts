import { useEffect } from 'react';
import type { QueueEntry, ReviewView } from '../../../../shared/contract/review.js';
import { call } from '../../api/client.js';
import { initialCodeLook } from './verdicts.js';

// Views fetched ahead of time (read-only `review:view`), keyed by evaluator and item, with the
// view itself once it is in (the workspace then shows it in its first render).
const views = new Map<string, Promise<ReviewView>>();
const arrived = new WeakMap<Promise<ReviewView>, ReviewView>();
const key = (evaluator: string, item: number): string => `${evaluator}\u0000${item}`;

/** Starts loading an item's view in the background (no review is started); returns the promise. */
export function prefetchView(evaluator: string, item: number): Promise<ReviewView> {
  const k = key(evaluator, item);
  const known = views.get(k);
  if (known) return known;
  const p = call('review:view', { evaluator, item });
  p.then(
    (v) => arrived.set(p, v),
    () => views.delete(k),
  );
  views.set(k, p);
  if (views.size > 8) views.delete(views.keys().next().value!);
  return p;
}

/**
 * For a code item: once its view is in, renders its editor off screen in idle time, so that
 * showing it is a move of finished DOM. `size` is where it will appear.
 */
export function prepareCode(view: Promise<ReviewView>, size: (layout: CodeLayout) => { width: number; height: number }): () => void {
  let cancelled = false;
  void Promise.all([view, import('../../components/code-view.js')]).then(([v, m]) => {
    if (cancelled || v.task.kind !== 'code') return;
    const run = (): void => {
      if (cancelled) return;
      const layout = codeLayout(v.task);
      const { width, height } = m.lastCodeViewSize(layout) ?? size(layout);
      const look = initialCodeLook(v);
      m.prepareCodeView(look.output, look.base, look.language, width, height, look.marks, look.reveal, look.deleted);
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

/** The code pane's layouts: one diff, or a change's file list beside one file's diff. */
export type CodeLayout = 'diff' | 'change';

/** The code pane layout of a task (its editor has that layout's size). */
export function codeLayout(task: Pick<ReviewView['task'], 'files'>): CodeLayout {
  return task.files ? 'change' : 'diff';
}

/** A prefetched view that has already arrived (kept for {@link takePrefetched}), or undefined. */
export function peekPrefetched(evaluator: string, item: number): ReviewView | undefined {
  const p = views.get(key(evaluator, item));
  return p ? arrived.get(p) : undefined;
}

/** The view a promise from {@link prefetchView} (or {@link takePrefetched}) brought, once it is in; else undefined. */
export function arrivedView(p: Promise<ReviewView>): ReviewView | undefined {
  return arrived.get(p);
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
    return prepareCode(view, (layout) => {
      // no code view of that layout shown yet: this one's host if it has the layout, else a guess
      const here = document.querySelector(layout === 'change' ? '.ws-change .code-host' : '.ws-code:not(.ws-change) .code-host');
      if (here) return { width: here.clientWidth, height: here.clientHeight };
      const panes = document.querySelector('.ws-panes');
      const total = panes?.clientWidth ?? window.innerWidth;
      const height = Math.max(200, (panes?.clientHeight ?? window.innerHeight) - 40);
      return layout === 'change' ? { width: total * 0.59 * 0.74, height: height - 28 } : { width: total * 0.5, height };
    });
  }, [evaluator, next]);
}
