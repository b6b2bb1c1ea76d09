import { useEffect, useRef } from 'react';

/** Input older than this stops the clock. */
export const idleAfterMs = 60_000;

/**
 * Adds the active part of [since, now] to `acc`: the time the page was visible and within 60 s of
 * the last input. Pure, so the rule can be tested without a browser.
 */
export function accountActive(acc: number, since: number, now: number, lastInput: number, visible: boolean): number {
  if (!visible) return acc;
  const end = Math.min(now, lastInput + idleAfterMs);
  return end > since ? acc + (end - since) : acc;
}

/**
 * Active time of the current review: counts only while the page is visible and input came in the
 * last 60 s. Returns a ref whose `current` is the running total in milliseconds, exact at the
 * moment it is read (starting at `initialMs`).
 */
export function useActiveTime(initialMs: number, running: boolean): React.RefObject<number> {
  const state = useRef({ acc: initialMs, since: Date.now(), lastInput: Date.now(), visible: true, running });
  const account = (): void => {
    const s = state.current;
    const now = Date.now();
    if (s.running) s.acc = accountActive(s.acc, s.since, now, s.lastInput, s.visible);
    s.since = now;
  };
  const ref = useRef<React.RefObject<number> | null>(null);
  ref.current ??= {
    get current(): number {
      account();
      return state.current.acc;
    },
  };
  useEffect(() => {
    state.current.acc = initialMs;
    state.current.since = Date.now();
  }, [initialMs]);
  useEffect(() => {
    account();
    state.current.running = running;
    if (!running) return;
    const onInput = (): void => {
      account();
      state.current.lastInput = Date.now();
    };
    const onVisibility = (): void => {
      account();
      state.current.visible = document.visibilityState === 'visible';
    };
    state.current.visible = document.visibilityState === 'visible';
    const events = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'scroll'] as const;
    for (const e of events) window.addEventListener(e, onInput, { passive: true, capture: true });
    document.addEventListener('visibilitychange', onVisibility);
    return () => {
      account();
      for (const e of events) window.removeEventListener(e, onInput, { capture: true });
      document.removeEventListener('visibilitychange', onVisibility);
    };
  }, [running]); // `account` only touches the ref
  return ref.current;
}

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
