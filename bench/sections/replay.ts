import { replayReview } from '../../shared/review/state.js';
import { bigLog } from '../../test/fixtures/review-log.js';
import type { BenchSection } from '../section.js';

/** The least wall time (ms) of `runs` runs of `fn`: the run least disturbed by other work. */
function fastest(runs: number, fn: () => void): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    fn();
    best = Math.min(best, performance.now() - started);
  }
  return best;
}

/**
 * Replaying one review's log (every edit kind, undo and redo mixed in) of 2,000 and 32,000 events,
 * and how the time grows for 16× the events: about 16–20× when replay is O(n log n), 256× if every
 * event copied the review as the first reducer did (32,000 flaws then took 38 s to merge). The unit
 * test counts the map operations instead of timing them (`test/shared/review/state.test.ts`).
 */
export const replaySection: BenchSection = {
  name: 'review replay',
  async run() {
    const small = bigLog(2_000).events;
    const large = bigLog(32_000).events;
    replayReview(small); // warm up the JIT
    replayReview(large);
    const tSmall = fastest(9, () => replayReview(small).content.flaws);
    const tLarge = fastest(7, () => replayReview(large).content.flaws);
    const growth = tLarge / tSmall;
    return [
      { name: 'replay 2,000 events', value: tSmall, unit: 'ms' },
      { name: 'replay 32,000 events', value: tLarge, unit: 'ms' },
      { name: 'growth for 16× the events', value: growth, unit: '×', goal: '< 64', pass: growth < 64 },
    ];
  },
};
