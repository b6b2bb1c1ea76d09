import type { ReviewView } from '../../../../shared/contract/review.js';
import type { StudySettings } from '../../../../shared/study/settings.js';

// The item's countdown, as pure functions of the clock the server sent and the time on this
// machine, so that the workspace's timer only re-renders and every rule is unit-tested
// (test/renderer/review/countdown.test.ts).

/** The last minute is shown in the warning colour. */
export const warningMs = 60_000;

/**
 * What the countdown counts from. `enforced`: the server's clock (`review.clock`): `remainingMs`
 * when this machine received it (`receivedAt`, a monotonic reading such as `performance.now()`),
 * so a machine whose wall clock disagrees with the server's still ends the item on time, and a
 * reload starts again from what the server says is left (never from the full limit).
 * `advisory`: an older study's limit that ends nothing, counted from the review's start.
 */
export type CountdownSource =
  | { readonly kind: 'enforced'; readonly remainingMs: number; readonly receivedAt: number; readonly limitMs: number; readonly outcome: 'submitted' | 'skipped' }
  | { readonly kind: 'advisory'; readonly startedAt: number; readonly limitMs: number };

/**
 * The countdown of an item, or null when its study has no time limit or the review has not started
 * yet (the clock starts at `review:begin`). `receivedAt` is when `view` arrived (monotonic ms).
 */
export function countdownSource(view: ReviewView, settings: StudySettings, receivedAt: number): CountdownSource | null {
  if (settings.timeLimitSeconds === null || !view.review) return null;
  const limitMs = settings.timeLimitSeconds * 1000;
  if (settings.onTimeLimit === 'advisory') return { kind: 'advisory', startedAt: view.review.startedAt, limitMs };
  const clock = view.review.clock;
  if (!clock) return null;
  return { kind: 'enforced', remainingMs: clock.remainingMs, receivedAt, limitMs, outcome: settings.onTimeLimit === 'skip' ? 'skipped' : 'submitted' };
}

/**
 * Milliseconds left, never below zero. `monotonicNow` is read on the clock `receivedAt` came from
 * (enforced); `wallNow` is `Date.now()` (advisory: the review's start is a server time, and an
 * advisory limit only informs, so this machine's clock is good enough).
 */
export function remainingMs(source: CountdownSource, monotonicNow: number, wallNow: number): number {
  const left = source.kind === 'enforced' ? source.remainingMs - (monotonicNow - source.receivedAt) : source.limitMs - (wallNow - source.startedAt);
  return Math.max(0, Math.min(source.limitMs, left));
}

/** How a remaining time reads: whole seconds rounded up (0:01 until it is really over), `m:ss` or `h:mm:ss`. */
export function formatRemaining(ms: number): string {
  const total = Math.max(0, Math.ceil(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${s}` : `${m}:${s}`;
}

/** How the countdown looks: ordinary, the warning colour in the last minute, or over. */
export function countdownPhase(ms: number): 'normal' | 'warning' | 'over' {
  if (ms <= 0) return 'over';
  return ms <= warningMs ? 'warning' : 'normal';
}

/** The moments a screen reader is told the time left (ms before the end), largest first. */
export const announceAt: readonly number[] = [300_000, 60_000, 30_000, 10_000, 0];

/**
 * What to announce when the time left moves from `before` to `after` (ms; `before` > `after`), or
 * null: a sentence at each of {@link announceAt} crossed (zero: time is up) (only the last one when several are
 * crossed at once, as after a sleeping laptop wakes) that the limit is longer than, so that a
 * screen reader hears the time at a few sensible moments, not every second.
 */
export function announcement(before: number, after: number, limitMs: number): string | null {
  if (after >= before) return null;
  const crossed = announceAt.filter((t) => t < limitMs && before > t && after <= t);
  if (crossed.length === 0) return null;
  const at = crossed[crossed.length - 1]!;
  if (at === 0) return 'Time is up for this item.';
  return `${at >= 60_000 ? `${at / 60_000} minute${at === 60_000 ? '' : 's'}` : `${at / 1000} seconds`} left for this item.`;
}

/** The words for how a time limit ends an item, e.g. for the bar's title and the done banner. */
export function limitOutcomeText(outcome: 'submitted' | 'skipped'): string {
  return outcome === 'skipped' ? 'skipped' : 'submitted as it stands';
}
