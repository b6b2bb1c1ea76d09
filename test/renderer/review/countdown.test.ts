import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ReviewView } from '../../../shared/contract/review.js';
import { StudySettingsSchema, type StudySettingsInput } from '../../../shared/study/settings.js';
import {
  announceAt,
  announcement,
  countdownPhase,
  countdownSource,
  formatRemaining,
  remainingMs,
  type CountdownSource,
} from '../../../renderer/src/screens/review/countdown.js';

// The review's countdown as pure functions (renderer/src/screens/review/countdown.ts): what it counts
// from, what it shows, when it turns to the warning colour and what a screen reader hears.

const settings = (s: StudySettingsInput) => StudySettingsSchema.parse(s);

/** A view whose review started at `startedAt` with `clock` (only the fields the countdown reads). */
function view(review: { startedAt: number; clock: { deadline: number; remainingMs: number } | null } | null): ReviewView {
  return { review: review && { id: 1, status: 'open', submittedAt: null, activeMs: 0, events: [], ...review } } as unknown as ReviewView;
}

describe('countdown source', () => {
  it('an enforced limit counts from the server’s remaining time, with the study’s outcome', () => {
    const v = view({ startedAt: 1_000, clock: { deadline: 181_000, remainingMs: 42_000 } });
    expect(countdownSource(v, settings({ timeLimitSeconds: 180, onTimeLimit: 'skip' }), 500)).toEqual({
      kind: 'enforced',
      remainingMs: 42_000,
      receivedAt: 500,
      limitMs: 180_000,
      outcome: 'skipped',
    });
    expect(countdownSource(v, settings({ timeLimitSeconds: 180 }), 500)).toMatchObject({ kind: 'enforced', outcome: 'submitted' });
  });

  it('an advisory limit (older studies) counts from the review’s start; no limit, or a review not begun: no countdown', () => {
    const v = view({ startedAt: 1_000, clock: null });
    expect(countdownSource(v, settings({ timeLimitSeconds: 60, onTimeLimit: 'advisory' }), 0)).toEqual({ kind: 'advisory', startedAt: 1_000, limitMs: 60_000 });
    expect(countdownSource(v, settings({}), 0)).toBeNull();
    expect(countdownSource(view(null), settings({ timeLimitSeconds: 60, onTimeLimit: 'submit' }), 0)).toBeNull();
  });
});

describe('remaining time', () => {
  const enforced: CountdownSource = { kind: 'enforced', remainingMs: 10_000, receivedAt: 5_000, limitMs: 60_000, outcome: 'submitted' };

  it('enforced: runs on the monotonic clock from when the server’s answer arrived, whatever this machine’s wall clock says', () => {
    expect(remainingMs(enforced, 5_000, 0)).toBe(10_000);
    expect(remainingMs(enforced, 9_000, 9e12)).toBe(6_000);
    expect(remainingMs(enforced, 15_000, -1)).toBe(0);
    expect(remainingMs(enforced, 99_000, 0)).toBe(0);
  });

  it('a reload is not a reset: a new answer with less time left counts from that, not from the limit', () => {
    // the same review, loaded again 30 s later: the server says 30 s are left
    const again: CountdownSource = { ...enforced, remainingMs: 30_000, receivedAt: 100 };
    expect(remainingMs(again, 100, 0)).toBe(30_000);
    expect(remainingMs(again, 100, 0)).toBeLessThan(again.limitMs);
  });

  it('advisory: the limit minus the time since the review started', () => {
    const advisory: CountdownSource = { kind: 'advisory', startedAt: 1_000, limitMs: 60_000 };
    expect(remainingMs(advisory, 0, 1_000)).toBe(60_000);
    expect(remainingMs(advisory, 0, 31_000)).toBe(30_000);
    expect(remainingMs(advisory, 0, 500_000)).toBe(0);
    expect(remainingMs(advisory, 0, 0)).toBe(60_000); // a wall clock behind the server's never shows more than the limit
  });

  it('property: never negative, never above the limit, and never goes up as time passes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 86_400_000 }),
        fc.integer({ min: 0, max: 90_000_000 }),
        fc.integer({ min: 0, max: 1e9 }),
        fc.integer({ min: 0, max: 1e8 }),
        fc.integer({ min: 0, max: 1e8 }),
        (limitMs, left, at, d1, d2) => {
          const s: CountdownSource = { kind: 'enforced', remainingMs: left, receivedAt: at, limitMs, outcome: 'skipped' };
          const a = remainingMs(s, at + d1, 0);
          const b = remainingMs(s, at + d1 + d2, 0);
          expect(a).toBeGreaterThanOrEqual(0);
          expect(a).toBeLessThanOrEqual(limitMs);
          expect(b).toBeLessThanOrEqual(a);
        },
      ),
    );
  });
});

describe('how it shows', () => {
  it('whole seconds rounded up: 0:01 until the time is really over; hours when the limit is long', () => {
    expect(formatRemaining(180_000)).toBe('3:00');
    expect(formatRemaining(179_001)).toBe('3:00');
    expect(formatRemaining(59_000)).toBe('0:59');
    expect(formatRemaining(1)).toBe('0:01');
    expect(formatRemaining(0)).toBe('0:00');
    expect(formatRemaining(-5)).toBe('0:00');
    expect(formatRemaining(3_723_000)).toBe('1:02:03');
  });

  it('the warning colour in the last minute, then over', () => {
    expect(countdownPhase(61_000)).toBe('normal');
    expect(countdownPhase(60_000)).toBe('warning');
    expect(countdownPhase(1)).toBe('warning');
    expect(countdownPhase(0)).toBe('over');
  });
});

describe('what a screen reader hears', () => {
  it('5 min, 1 min, 30 s, 10 s and zero, each once, and nothing in between', () => {
    const heard: string[] = [];
    for (let ms = 400_000; ms >= -1000; ms -= 250) {
      const a = announcement(ms + 250, ms, 600_000);
      if (a) heard.push(a);
    }
    expect(heard).toEqual(['5 minutes left for this item.', '1 minute left for this item.', '30 seconds left for this item.', '10 seconds left for this item.', 'Time is up for this item.']);
  });

  it('a limit shorter than a threshold does not announce it; a long jump (a laptop waking) says only the latest', () => {
    expect(announcement(45_001, 45_000, 45_000)).toBeNull(); // at the start of a 45 s limit: no "5 minutes"
    expect(announcement(30_001, 30_000, 45_000)).toBe('30 seconds left for this item.');
    expect(announcement(400_000, 20_000, 600_000)).toBe('30 seconds left for this item.');
    expect(announcement(5_000, 5_000, 600_000)).toBeNull();
    expect(announcement(5_000, 6_000, 600_000)).toBeNull();
  });

  it('property: at most one sentence per step, and over any run from the limit to zero exactly one per threshold below the limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1_000, max: 900_000 }), fc.array(fc.integer({ min: 1, max: 120_000 }), { minLength: 1, maxLength: 400 }), (limitMs, steps) => {
        let left = limitMs;
        const heard: string[] = [];
        for (const step of [...steps, limitMs]) {
          const after = Math.max(0, left - step);
          const a = announcement(left, after, limitMs);
          if (a) heard.push(a);
          left = after;
          if (left === 0) break;
        }
        expect(heard.length).toBeLessThanOrEqual(announceAt.filter((t) => t < limitMs).length);
        expect(heard[heard.length - 1]).toBe('Time is up for this item.');
        expect(new Set(heard).size).toBe(heard.length);
      }),
    );
  });
});
