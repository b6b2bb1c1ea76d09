import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../shared/metrics/compute.js';
import { seededRandom, type Random } from '../../../shared/metrics/prng.js';
import { normal } from '../../../shared/metrics/simulate.js';
import type { MetricReview, StudyData } from '../../../shared/metrics/types.js';
import { assignStudy } from '../../../shared/study/assign.js';
import { review } from './fixtures.js';

// The population interval of `agreement.verdict_alpha` (Krippendorff's nominal α over the verdicts
// on critiques shown to ≥ 2 evaluators; docs/metrics.md) with a known truth. Evaluator i accepts
// critique k of task j with probability expit(μ + ν_jk + e_i), ν ~ N(0, 1) (critiques differ),
// e ~ N(0, 0.5²) (evaluators differ in how much they accept); fresh evaluators and tasks every
// replicate. Two random evaluators' verdicts on one unit disagree with probability 2·q(1 − q),
// q = E_e[expit(μ + ν + e)], so the population α = 1 − E_ν[q(1 − q)] / (p̄(1 − p̄)), p̄ = E_ν[q].

const MU = 0.3;
const UNIT_SD = 1;
const EVALUATOR_SD = 0.5;
const expit = (x: number): number => 1 / (1 + Math.exp(-x));

/** E[f(Z)], Z ~ N(0, 1), Simpson's rule on ±9. */
function expectNormal(f: (z: number) => number, n = 360): number {
  const h = 18 / n;
  let s = 0;
  for (let i = 0; i <= n; i++) {
    const z = -9 + i * h;
    s += (i === 0 || i === n ? 1 : i % 2 === 1 ? 4 : 2) * f(z) * Math.exp(-0.5 * z * z);
  }
  return (s * h) / 3 / Math.sqrt(2 * Math.PI);
}

const q = (nu: number): number => expectNormal((z) => expit(MU + nu + EVALUATOR_SD * z));
const pBar = expectNormal((z) => q(UNIT_SD * z));
const within = expectNormal((z) => {
  const x = q(UNIT_SD * z);
  return x * (1 - x);
});
const TRUTH = 1 - within / (pBar * (1 - pBar));

function simulate(random: Random, seed: number): StudyData {
  const tasks = Array.from({ length: 60 }, (_v, j) => `t${j}`);
  const evaluators = Array.from({ length: 8 }, (_v, i) => `e${i}`);
  const e = evaluators.map(() => EVALUATOR_SD * normal(random));
  const nu = tasks.map(() => [UNIT_SD * normal(random), UNIT_SD * normal(random)]);
  const assignments = assignStudy({ tasks, evaluators, conditions: ['only'], overlap: 3, seed });
  const reviews: MetricReview[] = assignments.map((x, n) => {
    const i = Number(x.evaluator.slice(1));
    const j = Number(x.task.slice(1));
    const decisions = (['c1', 'c2'] as const).map((critique, k) =>
      random() < expit(MU + nu[j]![k]! + e[i]!) ? { critique, verdict: 'accept' as const } : { critique, verdict: 'reject' as const, reason: 'incorrect' as const },
    );
    return review({ id: `r${n}`, task: x.task, evaluator: x.evaluator, condition: 'only', shown: ['c1', 'c2'], decisions });
  });
  return {
    study: 'alpha',
    conditions: [{ name: 'only', policy: 'all' }],
    tasks: tasks.map((id) => ({
      id,
      kind: 'summary' as const,
      critiques: [
        { id: 'c1', valid: true },
        { id: 'c2', valid: true },
      ],
      flaws: [],
    })),
    reviews,
    adjudications: [],
  };
}

describe('verdict alpha: coverage with a known truth', () => {
  it('the population interval covers the population α about 95% of the time (8 evaluators, 60 tasks × 2 critiques, overlap 3)', () => {
    expect(TRUTH).toBeGreaterThan(0.05);
    expect(TRUTH).toBeLessThan(0.3);
    const replicates = 300;
    const random = seededRandom(8);
    let covered = 0;
    let defined = 0;
    for (let r = 0; r < replicates; r++) {
      const f = computeMetrics(simulate(random, r + 1)).conditions['only']!.agreement.verdict_alpha;
      if (f.ci[0] === null || f.ci[1] === null) continue;
      defined++;
      expect(f.ci[0]).toBeLessThanOrEqual(f.value!);
      expect(f.ci[1]).toBeGreaterThanOrEqual(f.value!);
      if (f.ci[0] <= TRUTH && TRUTH <= f.ci[1]) covered++;
    }
    const summary = JSON.stringify({ truth: TRUTH, covered, defined });
    expect(defined, summary).toBe(replicates);
    // 300 replicates: Monte-Carlo SE ≈ 0.013; 0.953 in development (α = 0.160)
    expect(covered / defined, summary).toBeGreaterThanOrEqual(0.91);
    expect(covered / defined, summary).toBeLessThanOrEqual(0.99);
  });
});
