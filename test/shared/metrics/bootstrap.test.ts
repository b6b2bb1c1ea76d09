import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics, countedReviews, type Figure, type StudyMetrics } from '../../../shared/metrics/compute.js';
import { seededRandom } from '../../../shared/metrics/prng.js';
import { quantileSorted } from '../../../shared/metrics/stats.js';
import type { StudyData } from '../../../shared/metrics/types.js';
import { studyArb } from './fixtures.js';

/**
 * The bootstrap done the slow, obvious way: draw tasks with the engine's PRNG stream, build a new
 * study in which every drawn task (and all its reviews) appears once per draw, compute its point
 * estimates, and take percentiles. The engine's weighted sums must give the same intervals.
 */
function naiveBootstrap(data: StudyData, B: number, seed: number, baseline: string | undefined): Map<string, number[]> {
  const tasks = [...new Set(countedReviews(data.reviews).map((r) => r.task))].sort();
  const T = tasks.length;
  const random = seededRandom(seed);
  const samples = new Map<string, number[]>();
  const push = (key: string, f: Figure): void => {
    if (f.value !== null) samples.set(key, [...(samples.get(key) ?? []), f.value]);
  };
  for (let b = 0; b < B; b++) {
    const drawn = Array.from({ length: T }, () => tasks[Math.floor(random() * T)]!);
    const copies = drawn.map((id, k) => ({ id, copy: `${id}#${k}` }));
    const resample: StudyData = {
      ...data,
      tasks: copies.map(({ id, copy }) => ({ ...data.tasks.find((t) => t.id === id)!, id: copy })),
      reviews: copies.flatMap(({ id, copy }) => data.reviews.filter((r) => r.task === id).map((r) => ({ ...r, id: `${r.id}@${copy}`, task: copy }))),
      adjudications: [],
    };
    const m = computeMetrics(resample, { ci: 'tasks', bootstrap: 0, ...(baseline ? { baseline } : {}) });
    for (const [name, c] of Object.entries(m.conditions)) {
      push(`${name}.reported`, c.reported_per_review);
      push(`${name}.catch`, c.catch_rate);
      push(`${name}.median`, c.median_active_seconds);
      push(`${name}.verdict`, c.agreement.verdict_alpha);
      push(`${name}.rating`, c.agreement.rating_alpha);
    }
    for (const [name, u] of Object.entries(m.uplift)) {
      push(`${name}.uplift`, u.caught);
      push(`${name}.catch_rate_diff`, u.catch_rate_diff);
    }
  }
  return samples;
}

function ci(values: readonly number[] | undefined): readonly [number | null, number | null] {
  if (!values || values.length === 0) return [null, null];
  const sorted = Float64Array.from(values).sort();
  return [quantileSorted(sorted, 0.025), quantileSorted(sorted, 0.975)];
}

let compared = 0;

/** The engine's interval and `basis.resamples` (resamples where the figure was defined) against the naive ones. */
function expectCi(got: Figure, values: readonly number[] | undefined): void {
  if (got.value === null) return; // an undefined estimate has no interval
  compared++;
  expect(got.basis.resamples).toBe(values?.length ?? 0);
  const expected = ci(values);
  for (const i of [0, 1] as const) {
    if (expected[i] === null) expect(got.ci[i]).toBeNull();
    else expect(got.ci[i]!).toBeCloseTo(expected[i]!, 9);
  }
}

describe('the bootstrap', () => {
  it('equals resampling tasks with all their reviews and recomputing every figure (both uplift arms included), and basis.resamples counts the resamples where it was defined', () => {
    fc.assert(
      fc.property(studyArb(['none', 'assisted']), fc.integer({ min: 0, max: 1000 }), (data, seed) => {
        const B = 23; // not a multiple of the engine's four lanes
        const m: StudyMetrics = computeMetrics(data, { ci: 'tasks', bootstrap: B, seed, minReviews: 0 });
        const naive = naiveBootstrap(data, B, seed, undefined);
        for (const [name, c] of Object.entries(m.conditions)) {
          expectCi(c.reported_per_review, naive.get(`${name}.reported`));
          expectCi(c.catch_rate, naive.get(`${name}.catch`));
          expectCi(c.median_active_seconds, naive.get(`${name}.median`));
          expectCi(c.agreement.verdict_alpha, naive.get(`${name}.verdict`));
          expectCi(c.agreement.rating_alpha, naive.get(`${name}.rating`));
        }
        for (const [name, u] of Object.entries(m.uplift)) {
          expectCi(u.caught, naive.get(`${name}.uplift`));
          expectCi(u.catch_rate_diff, naive.get(`${name}.catch_rate_diff`));
        }
      }),
      { numRuns: 40 },
    );
    expect(compared).toBeGreaterThan(100); // most figures are defined, so most intervals were compared
  });
});
