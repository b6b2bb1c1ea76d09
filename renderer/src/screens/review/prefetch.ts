import { useEffect } from 'react';
import type { QueueEntry, ReviewView } from '../../../../shared/contract/review.js';
import { call } from '../../api/client.js';
import { afterNextPaint } from '../../after-paint.js';
import type { Rect } from '../../components/code-view.js';
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
 * For a code item: once its view is in, renders its editor hidden in idle time, so that showing it
 * raises finished DOM. `place` guesses where it will appear when no code view of its layout was shown yet.
 */
export function prepareCode(view: Promise<ReviewView>, place: (layout: CodeLayout) => Rect): () => void {
  let cancelled = false;
  void Promise.all([view, codeViewModule()]).then(([v, m]) => {
    if (cancelled || v.task.kind !== 'code') return;
    const run = (): void => {
      if (cancelled) return;
      const layout = codeLayout(v.task);
      const look = initialCodeLook(v);
      m.prepareCodeView(look.output, look.base, look.language, m.lastCodeViewRect(layout) ?? place(layout), look.marks, look.reveal, look.deleted);
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

let codeView: Promise<typeof import('../../components/code-view.js')> | null = null;

/**
 * The code view's module (Monaco), loaded once. Asked again, it is the same promise: a dynamic
 * import goes through the bundler's preload helper, which searches the whole document (the
 * editors' thousands of nodes included) each time it is called.
 */
function codeViewModule(): Promise<typeof import('../../components/code-view.js')> {
  codeView ??= import('../../components/code-view.js');
  codeView.catch(() => {
    codeView = null; // a failed load may be retried
  });
  return codeView;
}

/** Loads the code view's module (Monaco) before it is needed. */
export function prefetchCodeView(): void {
  void codeViewModule();
}

/**
 * Prefetches the next item (and, for code, Monaco and its editor off screen) once this one is on
 * screen: after its first frame, which should not wait for the request.
 */
export function usePrefetch(evaluator: string, next: QueueEntry | undefined): void {
  useEffect(() => {
    if (!next) return;
    let cancelPrepare = (): void => undefined;
    const cancelStart = afterNextPaint(() => {
      const view = prefetchView(evaluator, next.id);
      if (next.kind !== 'code') return;
      prefetchCodeView();
      cancelPrepare = prepareCode(view, placeFor);
    });
    return () => {
      cancelStart();
      cancelPrepare();
    };
  }, [evaluator, next]);
}

/** Where a prepared editor of a layout will appear when no code view of that layout was shown yet: this screen's code pane, else a guess. */
function placeFor(layout: CodeLayout): Rect {
  const here = document.querySelector(layout === 'change' ? '.ws-change .code-host' : '.ws-code:not(.ws-change) .code-host');
  if (here) return here.getBoundingClientRect();
  const panes = document.querySelector('.ws-panes')?.getBoundingClientRect();
  const left = panes?.left ?? 0;
  const top = panes?.top ?? 0;
  const total = panes?.width ?? window.innerWidth;
  const height = Math.max(200, (panes?.height ?? window.innerHeight) - 40);
  return layout === 'change'
    ? { left: left + total * (0.15 + 0.59 * 0.26), top: top + 68, width: total * 0.59 * 0.74, height: height - 28 }
    : { left: left + total * 0.2, top: top + 40, width: total * 0.5, height };
}
