import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../shared/metrics/compute.js';
import { seededRandom, type Random } from '../../../shared/metrics/prng.js';
import { normal } from '../../../shared/metrics/simulate.js';
import type { StudyData } from '../../../shared/metrics/types.js';
import { assignStudy } from '../../../shared/study/assign.js';
import { review } from './fixtures.js';

// The population interval of `median_active_seconds` (docs/metrics.md, "Medians": Woodruff's
// interval — the two-way interval of the empirical CDF at the median, inverted through the
// quantiles) with a known truth. log(active seconds) = μ_c + e_i + τ_j + ε with evaluator effects
// e ~ N(0, 0.4²) (some people are slower), task effects τ ~ N(0, 0.3²) (some tasks are longer) and
// review noise ε ~ N(0, 0.5²): fresh evaluators and tasks every replicate. The sum is symmetric
// about μ_c, so the population median of the active time is exp(μ_c).

const MU = { unassisted: Math.log(120), assisted: Math.log(180) } as const;

function simulate(random: Random, seed: number): StudyData {
  const tasks = Array.from({ length: 60 }, (_v, j) => `t${j}`);
  const evaluators = Array.from({ length: 8 }, (_v, i) => `e${i}`);
  const e = evaluators.map(() => 0.4 * normal(random));
  const tau = tasks.map(() => 0.3 * normal(random));
  const assignments = assignStudy({ tasks, evaluators, conditions: ['unassisted', 'assisted'], overlap: 2, seed });
  return {
    study: 'median',
    conditions: [
      { name: 'unassisted', policy: 'none' },
      { name: 'assisted', policy: 'all' },
    ],
    tasks: tasks.map((id) => ({ id, kind: 'summary' as const, critiques: [], flaws: [] })),
    reviews: assignments.map((x, n) => {
      const i = Number(x.evaluator.slice(1));
      const j = Number(x.task.slice(1));
      const seconds = Math.exp(MU[x.condition as keyof typeof MU] + e[i]! + tau[j]! + 0.5 * normal(random));
      return review({ id: `r${n}`, task: x.task, evaluator: x.evaluator, condition: x.condition, activeSeconds: seconds });
    }),
    adjudications: [],
  };
}

describe('median active time: coverage with a known truth', () => {
  it('the population interval covers the population median about 95% of the time (8 evaluators, 60 tasks, evaluators and tasks varying)', () => {
    const replicates = 300;
    const random = seededRandom(31);
    const tally = { unassisted: { covered: 0, defined: 0 }, assisted: { covered: 0, defined: 0 } };
    for (let r = 0; r < replicates; r++) {
      const m = computeMetrics(simulate(random, r + 1));
      for (const c of ['unassisted', 'assisted'] as const) {
        const f = m.conditions[c]!.median_active_seconds;
        if (f.ci[0] === null || f.ci[1] === null) continue;
        tally[c].defined++;
        expect(f.ci[0]).toBeLessThanOrEqual(f.value!);
        expect(f.ci[1]).toBeGreaterThanOrEqual(f.value!);
        const truth = Math.exp(MU[c]);
        if (f.ci[0] <= truth && truth <= f.ci[1]) tally[c].covered++;
      }
    }
    const summary = JSON.stringify(tally);
    for (const c of ['unassisted', 'assisted'] as const) {
      expect(tally[c].defined, summary).toBe(replicates);
      // 300 replicates: Monte-Carlo SE ≈ 0.013; 0.953 and 0.957 in development
      expect(tally[c].covered / tally[c].defined, summary).toBeGreaterThanOrEqual(0.91);
      expect(tally[c].covered / tally[c].defined, summary).toBeLessThanOrEqual(0.99);
    }
  });
});
