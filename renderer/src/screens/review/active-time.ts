import { useEffect, useRef } from 'react';

/** Input older than this stops the clock. */
export const idleAfterMs = 60_000;

/**
 * Active time of the current review: counts only while the page is visible and input came in the
 * last 60 s. Returns a ref holding the running total in milliseconds (starting at `initialMs`).
 */
export function useActiveTime(initialMs: number, running: boolean): React.RefObject<number> {
  const total = useRef(initialMs);
  const lastInput = useRef(Date.now());
  useEffect(() => {
    total.current = initialMs;
  }, [initialMs]);
  useEffect(() => {
    if (!running) return;
    const onInput = (): void => {
      lastInput.current = Date.now();
    };
    const events = ['keydown', 'pointerdown', 'pointermove', 'wheel', 'scroll'] as const;
    for (const e of events) window.addEventListener(e, onInput, { passive: true, capture: true });
    let last = Date.now();
    const timer = window.setInterval(() => {
      const now = Date.now();
      const step = Math.min(now - last, 5_000);
      last = now;
      if (document.visibilityState === 'visible' && now - lastInput.current < idleAfterMs) total.current += step;
    }, 1_000);
    return () => {
      window.clearInterval(timer);
      for (const e of events) window.removeEventListener(e, onInput, { capture: true });
    };
  }, [running]);
  return total;
}

/** `m:ss` or `h:mm:ss`. */
export function formatDuration(ms: number): string {
  const s = Math.floor(ms / 1000);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`;
}
