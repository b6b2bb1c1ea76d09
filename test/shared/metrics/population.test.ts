import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../shared/metrics/compute.js';
import { tQuantile, twoWayVariance } from '../../../shared/metrics/population.js';
import { studentTCdf, studentTQuantile } from '../../../shared/metrics/student-t.js';
import type { StudyData } from '../../../shared/metrics/types.js';
import { review } from './fixtures.js';

// Three evaluators g0–g2 each review both tasks t0, t1 once (six reviews); the estimator is the
// mean of y, so z = (y − ȳ)/6 and every review weighs 1/6.
function lin(y: readonly number[]) {
  const mean = y.reduce((s, x) => s + x, 0) / y.length;
  return {
    z: Float64Array.from(y, (x) => (x - mean) / y.length),
    w: new Float64Array(y.length).fill(1 / y.length),
    evaluator: Int32Array.from([0, 0, 1, 1, 2, 2]),
    task: Int32Array.from([0, 1, 0, 1, 0, 1]),
    evaluators: 3,
    tasks: 2,
  };
}

describe('twoWayVariance on hand-computed cases', () => {
  it('tasks differ, evaluators do not: the evaluator part is clipped at 0 and df = T − 1', () => {
    // y (g0t0, g0t1, g1t0, g1t1, g2t0, g2t1) = 1 3 2 2 0 4, ȳ = 2, z = (−1 1 0 0 −2 2)/6
    // V_E = 0 (every evaluator's z sums to 0); V_T = (−3/6)² + (3/6)² = 18/36; V_R = 10/36
    // κ_E = 3·(2/6)² = 1/3, κ_T = 2·(3/6)² = 1/2, κ_R = 6/36 = 1/6, κ = 2/3
    // V₁ = (0 + 18/36 − 10/36)/(1 − 2/3) = 24/36
    // A' = V_E − V_R + κ_E V₁ = −10/36 + 8/36 < 0 → 0;  T' = V_T + (κ_T − κ_R) V₁ = 18/36 + 8/36 = 26/36
    // V = 26/36; df = V² / (T'²/(T − 1)) = 1
    const v = twoWayVariance(lin([1, 3, 2, 2, 0, 4]));
    expect(v.variance).toBeCloseTo(26 / 36, 14);
    expect(v.df).toBeCloseTo(1, 12);
    expect(v).toMatchObject({ evaluators: 3, tasks: 2, reviews: 6, reason: null });
  });

  it('evaluators differ, tasks do not: the evaluator part counts and its G − 1 df enter Satterthwaite', () => {
    // y = 4 4 2 2 0 0, ȳ = 2, z = (2 2 0 0 −2 −2)/6
    // V_E = (4/6)² + 0 + (4/6)² = 32/36; V_T = 0; V_R = 16/36; V₁ = (32/36 − 16/36)/(1/3) = 48/36
    // A' = 32/36 − 16/36 + (1/3)(48/36) = 32/36; T' = 0 + (1/3)(48/36) = 16/36; V = 48/36
    // df = V² / (V_E²/(G − 1) + T'²/(T − 1)) = (48/36)² / ((32/36)²/2 + (16/36)²) = 3
    const v = twoWayVariance(lin([4, 4, 2, 2, 0, 0]));
    expect(v.variance).toBeCloseTo(48 / 36, 14);
    expect(v.df).toBeCloseTo(3, 12);
  });

  it('gives no variance, and says why, with fewer than 3 evaluators or no variation', () => {
    const two = { ...lin([1, 3, 2, 2, 0, 4]), evaluator: Int32Array.from([0, 0, 1, 1, 1, 1]) };
    expect(twoWayVariance(two)).toMatchObject({ variance: null, reason: expect.stringMatching(/2 evaluators: an interval for evaluators in general needs at least 3/) });
    expect(twoWayVariance(lin([2, 2, 2, 2, 2, 2]))).toMatchObject({ variance: null, reason: expect.stringMatching(/no variation/) });
  });

  it('is what computeMetrics uses: added per review of the second case has the interval ȳ·exp(±t₃·se/ȳ)', () => {
    const counts = [4, 4, 2, 2, 0, 0];
    const data: StudyData = {
      study: 's',
      conditions: [{ name: 'a', policy: 'none' }],
      tasks: ['t0', 't1'].map((id) => ({ id, kind: 'summary' as const, critiques: [], flaws: [] })),
      reviews: counts.map((n, i) =>
        review({ id: `r${i}`, task: `t${i % 2}`, evaluator: `g${Math.floor(i / 2)}`, condition: 'a', added: Array.from({ length: n }, (_v, j) => ({ id: `x${j}`, anchor: null })) }),
      ),
      adjudications: [],
    };
    const f = computeMetrics(data, { minReviews: 0 }).conditions['a']!.added_per_review;
    const se = Math.sqrt(48 / 36);
    const q = studentTQuantile(0.975, 3); // 3.182446
    expect(f.value).toBe(2);
    expect(f.ci[0]!).toBeCloseTo(2 * Math.exp((-q * se) / 2), 10);
    expect(f.ci[1]!).toBeCloseTo(2 * Math.exp((q * se) / 2), 10);
    expect(f.basis).toMatchObject({ reviews: 6, evaluators: 3, tasks: 2, resamples: null });
    expect(f.basis.df!).toBeCloseTo(3, 10);
    // the default minimum of 10 reviews: no interval, and the reason
    expect(computeMetrics(data).conditions['a']!.added_per_review).toMatchObject({ value: 2, ci: [null, null], reason: 'only 6 reviews: an interval needs at least 10' });
  });

  it('never returns a negative variance (random crossed designs)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.integer({ min: 0, max: 6 }), fc.integer({ min: -5, max: 5 })), { minLength: 4, maxLength: 40 }), (rows) => {
        const y = rows.map((r) => r[2]);
        const mean = y.reduce((s, x) => s + x, 0) / y.length;
        const v = twoWayVariance({
          z: Float64Array.from(y, (x) => (x - mean) / y.length),
          w: new Float64Array(y.length).fill(1 / y.length),
          evaluator: Int32Array.from(rows, (r) => r[0]),
          task: Int32Array.from(rows, (r) => r[1]),
          evaluators: 5,
          tasks: 7,
        });
        if (v.variance !== null) {
          expect(v.variance).toBeGreaterThan(0);
          expect(v.df!).toBeGreaterThanOrEqual(1);
        } else expect(v.reason).toEqual(expect.any(String));
      }),
    );
  });
});

describe("Student's t", () => {
  it('matches published quantiles', () => {
    expect(studentTQuantile(0.975, 1)).toBeCloseTo(12.7062, 3);
    expect(studentTQuantile(0.975, 3)).toBeCloseTo(3.18245, 4);
    expect(studentTQuantile(0.975, 5)).toBeCloseTo(2.57058, 4);
    expect(studentTQuantile(0.975, 30)).toBeCloseTo(2.04227, 4);
    expect(tQuantile(0.95, 1e6)).toBeCloseTo(1.95996, 4);
    expect(studentTQuantile(0.025, 5)).toBeCloseTo(-2.57058, 4);
    expect(studentTCdf(2.57058, 5)).toBeCloseTo(0.975, 5);
    expect(studentTQuantile(0.975, 2.5)).toBeGreaterThan(studentTQuantile(0.975, 3));
  });
});
