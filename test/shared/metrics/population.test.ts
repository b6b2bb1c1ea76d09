import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../shared/metrics/compute.js';
import { tQuantile, truncatedVarianceShare, twoWayVariance } from '../../../shared/metrics/population.js';
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

/** The same design with influence values given as they are (×1/6), e.g. a comparison's. */
function raw(z6: readonly number[]) {
  return { ...lin([0, 0, 0, 0, 0, 0]), z: Float64Array.from(z6, (x) => x / 6) };
}

describe('twoWayVariance on hand-computed cases', () => {
  // Leverages in this design: κ_E = 3·(2/6)² = 1/3, κ_T = 2·(3/6)² = 1/2, κ_R = 6/36 = 1/6, κ = 2/3.
  // E = V_E + κ_E·V₁, T = V_T + κ_T·V₁, R = V_R + κ_R·V₁ with V₁ = max(0, (V_E + V_T − V_R)/(1 − κ)).
  // Satterthwaite: df = V² / (c·E²/(G − 1) + Var(T − R)/2), Var(T − R) from the tasks' own
  // contributions c_t = S_t² − Σ_{i∈t} z_i² (H/(H − 1) times their sum of squared deviations).

  it('tasks differ, evaluators do not: the two-way estimate, the evaluator covariance negative and kept', () => {
    // y (g0t0, g0t1, g1t0, g1t1, g2t0, g2t1) = 1 3 2 2 0 4, ȳ = 2, z = (−1 1 0 0 −2 2)/6
    // V_E = 0 (every evaluator's z sums to 0); V_T = (−3/6)² + (3/6)² = 18/36; V_R = 10/36; V₁ = (8/36)/(1/3) = 24/36
    // E = 0 + 8/36, T = 18/36 + 12/36 = 30/36, R = 10/36 + 4/36 = 14/36: covariances E − R = −6/36, T − R = 16/36
    // V = E + T − R = 24/36 (the floor min(E, 0.6·T) = 8/36 does not bind)
    // c_t = 9/36 − 5/36 = 4/36 for both tasks: Var(T − R) = 0; c = 1 (T − R ≥ 0)
    // df = (24/36)² / ((8/36)²/2) = 576/32 = 18
    const v = twoWayVariance(lin([1, 3, 2, 2, 0, 4]));
    expect(v.variance).toBeCloseTo(24 / 36, 14);
    expect(v.df).toBeCloseTo(18, 10);
    expect(v).toMatchObject({ evaluators: 3, tasks: 2, reviews: 6, form: 'two-way', reason: null });
  });

  it('evaluators differ, tasks do not: the evaluator part counts with its G − 1 df', () => {
    // y = 4 4 2 2 0 0, ȳ = 2, z = (2 2 0 0 −2 −2)/6
    // V_E = (4/6)² + 0 + (4/6)² = 32/36; V_T = 0; V_R = 16/36; V₁ = (16/36)/(1/3) = 48/36
    // E = 32/36 + 16/36 = 48/36, T = 0 + 24/36, R = 16/36 + 8/36 = 24/36: T − R = 0; V = 48/36
    // c_t = 0 − 8/36 for both tasks: Var(T − R) = 0; df = (48/36)² / ((48/36)²/2) = 2 = G − 1
    const v = twoWayVariance(lin([4, 4, 2, 2, 0, 0]));
    expect(v.variance).toBeCloseTo(48 / 36, 14);
    expect(v.df).toBeCloseTo(2, 12);
    expect(v.form).toBe('two-way');
  });

  it('a paired comparison with both covariances negative: V is the floor 0.6·T (task covariance nearer its bound)', () => {
    // z = (−3 −1 −1 3 3 −1)/6 (influence values of a difference: they sum to 0 but no ȳ is removed)
    // V_E = (16 + 4 + 4)/36 = 24/36; V_T = (1 + 1)/36 = 2/36; V_R = 30/36; V₁ < 0 → 0
    // E = 24/36, T = 2/36, R = 30/36: E + T − R = −4/36 < min(E, 0.6·T) = 1.2/36 → V = 1.2/36, df ≥ 1
    const v = twoWayVariance(raw([-3, -1, -1, 3, 3, -1]));
    expect(v.variance).toBeCloseTo(1.2 / 36, 14);
    expect(v.df).toBe(1);
    expect(v.form).toBe('tasks-floor');
  });

  it('both covariances negative and E below 0.6·T: V is the evaluator-clustered estimate with df = G − 1', () => {
    // z = (−3 1 −3 3 3 −1)/6: V_E = (4 + 0 + 4)/36 = 8/36; V_T = (9 + 9)/36 = 18/36; V_R = 38/36; V₁ < 0 → 0
    // E + T − R = −12/36 < min(E, 0.6·T) = min(8/36, 10.8/36) → V = E = 8/36, df = 2
    const v = twoWayVariance(raw([-3, 1, -3, 3, 3, -1]));
    expect(v.variance).toBeCloseTo(8 / 36, 14);
    expect(v.df).toBeCloseTo(2, 12);
    expect(v.form).toBe('evaluators-only');
  });

  it('with one review per task, rounding does not decide: V is the evaluator-clustered estimate with df = G − 1', () => {
    // A condition's figure when each task is reviewed once in it: V_T = V_R and κ_T = κ_R exactly,
    // so V = E = V_E/(1 − κ_E) and its noise is E's alone. Summing in task order and in review
    // order rounds differently (±1e-18); that must not flip the task covariance's sign.
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 12, maxLength: 60 }), fc.integer({ min: 3, max: 6 }), (y, G) => {
        const n = y.length;
        const mean = y.reduce((s, x) => s + x, 0) / n;
        const z = Float64Array.from(y, (x) => (x - mean) / n);
        const evaluator = Int32Array.from(y, (_x, i) => i % G);
        const task = Int32Array.from(y, (_x, i) => (i * 7 + 3) % n); // a permutation when gcd(7, n) = 1
        fc.pre(new Set(task).size === n);
        const v = twoWayVariance({ z, w: new Float64Array(n).fill(1 / n), evaluator, task, evaluators: G, tasks: n });
        fc.pre(v.variance !== null);
        let vE = 0;
        let kE = 0;
        for (let g = 0; g < G; g++) {
          let s = 0;
          let c = 0;
          for (let i = g; i < n; i += G) {
            s += z[i]!;
            c++;
          }
          vE += s * s;
          kE += (c / n) ** 2;
        }
        expect(v.variance!).toBeCloseTo(vE / (1 - kE), 12);
        expect(v.df!).toBeCloseTo(G - 1, 9);
        expect(v.form).toBe('two-way');
      }),
    );
  });

  it('the truncated share is Var(max(X, 0))/s² for X ~ N(m·s, s²)', () => {
    expect(truncatedVarianceShare(0)).toBeCloseTo(0.5 - 1 / (2 * Math.PI), 6); // 0.340845
    expect(truncatedVarianceShare(8)).toBeCloseTo(1, 6);
    expect(truncatedVarianceShare(-8)).toBeCloseTo(0, 6);
    // against the definition, by numerical integration
    for (const m of [-1.5, -0.3, 0.4, 1.2]) {
      let e1 = 0;
      let e2 = 0;
      const h = 1e-3;
      for (let x = -m; x < 10; x += h) {
        const d = (Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI)) * h;
        e1 += (m + x) * d;
        e2 += (m + x) ** 2 * d;
      }
      expect(truncatedVarianceShare(m)).toBeCloseTo(e2 - e1 * e1, 3);
    }
  });

  it('gives no variance, and says why, with fewer than 3 evaluators or no variation', () => {
    const two = { ...lin([1, 3, 2, 2, 0, 4]), evaluator: Int32Array.from([0, 0, 1, 1, 1, 1]) };
    expect(twoWayVariance(two)).toMatchObject({ variance: null, reason: expect.stringMatching(/2 evaluators: an interval for evaluators in general needs at least 3/) });
    expect(twoWayVariance(lin([2, 2, 2, 2, 2, 2]))).toMatchObject({ variance: null, reason: expect.stringMatching(/no variation/) });
  });

  it('is what computeMetrics uses: added per review of the second case has the interval ȳ·exp(±t₂·se/ȳ)', () => {
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
    const q = studentTQuantile(0.975, 2); // 4.302653
    expect(f.value).toBe(2);
    expect(f.ci[0]!).toBeCloseTo(2 * Math.exp((-q * se) / 2), 10);
    expect(f.ci[1]!).toBeCloseTo(2 * Math.exp((q * se) / 2), 10);
    expect(f.basis).toMatchObject({ reviews: 6, evaluators: 3, tasks: 2, resamples: null });
    expect(f.basis.df!).toBeCloseTo(2, 10);
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
