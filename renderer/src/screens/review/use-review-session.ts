import { useCallback, useEffect, useRef, useState } from 'react';
import type { ReviewView } from '../../../../shared/contract/review.js';
import type { ReviewEvent } from '../../../../shared/review/events.js';
import { checkReviewEvent, initialReviewState, reduceReview, replayReview, type ReviewState } from '../../../../shared/review/state.js';
import { ApiCallError, call } from '../../api/client.js';
import { useActiveTime } from './active-time.js';
import { afterNextPaint } from '../../after-paint.js';
import { arrivedView, peekPrefetched, takePrefetched } from './prefetch.js';

/** Whether everything the evaluator did is in the database. */
export type SaveStatus =
  | { readonly kind: 'saved' }
  | { readonly kind: 'saving' }
  | { readonly kind: 'retrying'; readonly message: string };

interface Pending {
  readonly event: ReviewEvent;
  readonly clientEventId: string;
  readonly expectedSeq: number;
  readonly clientTime: number;
}

/** What "Ask the critic" added to the review. */
export interface AskedCritic {
  readonly added: number;
  readonly hallucinated: number;
}

/** What the workspace works with. */
export interface ReviewSession {
  readonly view: ReviewView | null;
  readonly state: ReviewState;
  readonly loadError: string | null;
  readonly save: SaveStatus;
  /** The last refused action or resync, in words. */
  readonly notice: string | null;
  readonly activeMs: React.RefObject<number>;
  /** True while "Ask the critic" waits for the critic (actions are refused meanwhile). */
  readonly asking: boolean;
  /** Applies an action locally at once and queues it for the log; returns false when refused. */
  record(event: ReviewEvent): boolean;
  /**
   * Practice queue only: asks the configured critic (`review:askCritic`); its new critiques join
   * this review through an event the back end records, and the view is replaced by the server's.
   * Resolves to how many critiques joined (and how many of them quote text the output lacks), or
   * null when nothing was asked or the ask failed (then `notice` says why).
   */
  askCritic(): Promise<AskedCritic | null>;
  /** Shows a message in the notice line (a refusal the workspace explains itself). */
  warn(message: string): void;
  dismissNotice(): void;
}

function newClientEventId(): string {
  if (typeof crypto !== 'undefined' && typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}-${Math.random().toString(36).slice(2)}`;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * One review's client side: shows the (possibly prefetched) view at once, starts the review, and
 * sends every action to the event log in order. An action is applied locally immediately but only
 * counts as saved when the server has committed it; network failures are retried with the same
 * client event id (idempotent), and a conflict (another window wrote first) reloads the log.
 */
export function useReviewSession(evaluator: string, item: number, initialView?: Promise<ReviewView>): ReviewSession {
  // A view that is already in (prefetched, or the one the workspace waited for) goes on screen in
  // the first render: no empty frame, no second render before the item appears.
  const first = useRef<{ readonly view: ReviewView | null; readonly state: ReviewState; readonly for: string } | null>(null);
  if (first.current === null) {
    const v = (initialView ? arrivedView(initialView) : peekPrefetched(evaluator, item)) ?? null;
    first.current = { view: v, state: v ? replayReview((v.review?.events ?? []).map((e) => e.event)) : initialReviewState, for: `${evaluator}\u0000${item}` };
  }
  const [view, setView] = useState<ReviewView | null>(first.current.view);
  const [state, setState] = useState<ReviewState>(first.current.state);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [save, setSave] = useState<SaveStatus>({ kind: 'saved' });
  const [notice, setNotice] = useState<string | null>(null);
  const [initialActive, setInitialActive] = useState(first.current.view?.review?.activeMs ?? 0);
  const [asking, setAsking] = useState(false);
  const askingRef = useRef(false);
  const stateRef = useRef(state);
  const viewRef = useRef<ReviewView | null>(first.current.view);
  // Which evaluator and item viewRef's view belongs to.
  const viewFor = useRef<string | null>(first.current.view ? first.current.for : null);
  const pending = useRef<Pending[]>([]);
  const pumping = useRef(false);
  const started = useRef<Promise<number> | null>(null);
  const alive = useRef(true);
  const open = view?.review ? view.review.status === 'open' : view !== null;
  const activeMs = useActiveTime(initialActive, open);

  const show = useCallback((v: ReviewView) => {
    viewRef.current = v;
    const s = replayReview((v.review?.events ?? []).map((e) => e.event));
    stateRef.current = s;
    setView(v);
    setState(s);
    setInitialActive(v.review?.activeMs ?? 0);
  }, []);

  const resync = useCallback(
    async (message: string) => {
      pending.current = [];
      setNotice(message);
      try {
        show(await call('review:view', { evaluator, item }));
        setSave({ kind: 'saved' });
      } catch (e) {
        setSave({ kind: 'retrying', message: (e as Error).message });
      }
    },
    [evaluator, item, show],
  );

  const pump = useCallback(async () => {
    if (pumping.current) return;
    pumping.current = true;
    try {
      let failures = 0;
      while (alive.current && pending.current.length > 0) {
        setSave({ kind: 'saving' });
        const next = pending.current[0]!;
        try {
          const review = await started.current!;
          await call('review:record', {
            evaluator,
            review,
            expectedSeq: next.expectedSeq,
            clientEventId: next.clientEventId,
            clientTime: next.clientTime,
            activeMs: Math.round(activeMs.current),
            event: next.event,
          });
          pending.current.shift();
          failures = 0;
        } catch (e) {
          if (e instanceof ApiCallError && (e.code === 'conflict' || e.code === 'invalid-input' || e.code === 'not-found' || e.code === 'bad-request')) {
            await resync(e.message);
            return;
          }
          failures++;
          setSave({ kind: 'retrying', message: (e as Error).message });
          await sleep(Math.min(8_000, 500 * 2 ** Math.min(failures, 4)));
        }
      }
      if (alive.current && pending.current.length === 0) setSave({ kind: 'saved' });
    } finally {
      pumping.current = false;
    }
  }, [evaluator, activeMs, resync]);

  useEffect(() => {
    alive.current = true;
    pending.current = [];
    if (viewFor.current !== `${evaluator}\u0000${item}`) {
      viewRef.current = null;
      setView(null);
    }
    viewFor.current = `${evaluator}\u0000${item}`;
    setLoadError(null);
    setNotice(null);
    setSave({ kind: 'saved' });
    let cancelled = false;
    // The view (usually prefetched) goes on screen at once; `review:begin` starts the review and
    // brings the log alongside, without sending the task again.
    // (`initialView`: the view the workspace already asked for, to show the study's instructions first)
    const viewPromise = initialView ?? takePrefetched(evaluator, item) ?? call('review:view', { evaluator, item });
    const begin = call('review:begin', { evaluator, item });
    started.current = begin.then((b) => b.review.id);
    started.current.catch(() => undefined);
    viewPromise.then(
      (v) => {
        if (!cancelled && viewRef.current === null) show(v);
      },
      () => undefined,
    );
    Promise.all([viewPromise, begin]).then(
      async ([v, b]) => {
        if (cancelled) return;
        // The pin names exactly what the item shows (task and critiques): a view prefetched before the
        // review started may show something else (a practice task replaced meanwhile): take the server's view.
        const same = b.pin === v.item.pin && (b.shown === null) === (v.critiques === null);
        const merged: ReviewView = same ? { ...(viewRef.current ?? v), review: b.review } : await call('review:view', { evaluator, item });
        if (cancelled) return;
        const shownEvents = viewRef.current?.review?.events.length ?? 0;
        if (pending.current.length > 0 || (same && viewRef.current !== null && shownEvents === b.review.events.length)) {
          // Same log as on screen (or local actions on their way): keep the state, update the record.
          viewRef.current = merged;
          setView(merged);
          setInitialActive(b.review.activeMs);
        } else show(merged);
      },
      (e: Error) => {
        if (!cancelled) setLoadError(e.message);
      },
    );
    return () => {
      cancelled = true;
      alive.current = false;
    };
  }, [evaluator, item, show, initialView]);

  // Heartbeat: save active time every 15 s and when the window is hidden.
  useEffect(() => {
    if (!open) return;
    let sent = -1;
    const beat = (): void => {
      const ms = Math.round(activeMs.current);
      if (ms === sent || !started.current) return;
      sent = ms;
      void started.current.then((review) => call('review:heartbeat', { evaluator, review, activeMs: ms })).catch(() => undefined);
    };
    const timer = window.setInterval(beat, 15_000);
    const onHide = (): void => {
      if (document.visibilityState === 'hidden') beat();
    };
    document.addEventListener('visibilitychange', onHide);
    window.addEventListener('pagehide', beat);
    return () => {
      // leaving the item: saved after the next item's first frame, which should not wait for it
      afterNextPaint(beat);
      window.clearInterval(timer);
      document.removeEventListener('visibilitychange', onHide);
      window.removeEventListener('pagehide', beat);
    };
  }, [open, evaluator, activeMs]);

  // Warn before closing the window with unsaved actions.
  useEffect(() => {
    const onBeforeUnload = (e: BeforeUnloadEvent): void => {
      if (pending.current.length > 0) e.preventDefault();
    };
    window.addEventListener('beforeunload', onBeforeUnload);
    return () => window.removeEventListener('beforeunload', onBeforeUnload);
  }, []);

  const record = useCallback(
    (event: ReviewEvent): boolean => {
      const v = viewRef.current;
      if (!v) return false;
      if (askingRef.current) {
        // the back end is about to append an event: an action now would be written against a stale log
        setNotice('Wait a moment: the critic is being asked.');
        return false;
      }
      const s = stateRef.current;
      // the study's settings, as the back end applies them (the clock is the server's to check)
      const problem = checkReviewEvent(s, event, { shownCritiques: new Set((v.critiques ?? []).map((c) => c.id)), settings: v.settings });
      if (problem) {
        setNotice(problem);
        return false;
      }
      const next = reduceReview(s, event);
      stateRef.current = next;
      setState(next);
      setNotice(null);
      pending.current.push({ event, clientEventId: newClientEventId(), expectedSeq: s.seq, clientTime: Date.now() });
      void pump();
      return true;
    },
    [pump],
  );

  const askCritic = useCallback(async (): Promise<AskedCritic | null> => {
    if (askingRef.current || !viewRef.current || !started.current) return null;
    // The back end appends an event to the log: everything done before must be in the log first.
    if (pending.current.length > 0 || pumping.current) {
      setNotice('Wait until your last action is saved, then ask the critic.');
      return null;
    }
    askingRef.current = true;
    setAsking(true);
    setNotice(null);
    try {
      const review = await started.current;
      const r = await call('review:askCritic', { evaluator, review });
      if (!alive.current) return null;
      // No local action was taken meanwhile (record refuses them): the server's log is this review's.
      viewRef.current = r.view;
      const s = replayReview((r.view.review?.events ?? []).map((e) => e.event));
      stateRef.current = s;
      setView(r.view);
      setState(s);
      return { added: r.added.length, hallucinated: r.hallucinated };
    } catch (e) {
      if (alive.current) setNotice(`The critic could not be asked: ${(e as Error).message}`);
      return null;
    } finally {
      askingRef.current = false;
      if (alive.current) setAsking(false);
    }
  }, [evaluator]);

  const dismissNotice = useCallback(() => setNotice(null), []);
  const warn = useCallback((message: string) => setNotice(message), []);
  return { view, state, loadError, save, notice, activeMs, asking, record, askCritic, warn, dismissNotice };
}
