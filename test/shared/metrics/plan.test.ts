import { describe, expect, it } from 'vitest';
import { planStudy, PlanInputError, simulateDesign, defaultPlanAssumptions } from '../../../shared/metrics/plan.js';
import { seededRandom } from '../../../shared/metrics/prng.js';
import { meanExpit, solveLogit } from '../../../shared/metrics/simulate.js';

const conditions = [
  { name: 'unassisted', policy: 'none' },
  { name: 'assisted', policy: 'all' },
];

describe('study plan', () => {
  it('solves the model: E[expit(μ + σZ)] hits the catch rates it is asked for', () => {
    expect(meanExpit(0, 0)).toBe(0.5);
    expect(meanExpit(0, 2)).toBeCloseTo(0.5, 10); // symmetric
    const mu = solveLogit(0.27, Math.hypot(0.8, 0.5));
    expect(meanExpit(mu, Math.hypot(0.8, 0.5))).toBeCloseTo(0.27, 9);
    expect(mu).toBeLessThan(Math.log(0.27 / 0.73)); // spread pulls the mean toward 0.5
  });

  it('has little power where the uplift is nothing, and full power for a large uplift on many flaws', () => {
    const a = { ...defaultPlanAssumptions, replicates: 200 };
    const none = simulateDesign(Array(200).fill(2), conditions, { tasks: 200, evaluators: 8, overlap: 2 }, { ...a, uplift: 1e-9 }, seededRandom(3));
    expect(none.power).toBeLessThan(0.08); // ≈ 2.5% (one-sided) when there is no uplift
    const big = simulateDesign(Array(400).fill(3), conditions, { tasks: 400, evaluators: 12, overlap: 2 }, { ...a, uplift: 1.5 }, seededRandom(3));
    expect(big.power).toBeGreaterThan(0.97);
  });

  it('recommends the fewest evaluators reaching the power, deterministically for a seed', () => {
    const flaws = Array.from({ length: 300 }, (_v, i) => i % 4);
    const p = planStudy(flaws, conditions, { uplift: 0.5, replicates: 100 });
    expect(p).toEqual(planStudy(flaws, conditions, { uplift: 0.5, replicates: 100 }));
    expect(p.recommended).not.toBeNull();
    expect(p.recommended!.power).toBeGreaterThanOrEqual(0.8);
    const sameTasks = p.designs.filter((d) => d.tasks === p.recommended!.tasks);
    for (const d of sameTasks) if (d.evaluators < p.recommended!.evaluators) expect(d.power).toBeLessThan(0.8);
  });

  it('gives no interval where the metrics would give none (fewer than 10 reviews in an arm), and reports the typical width', () => {
    const a = { ...defaultPlanAssumptions, replicates: 50 };
    // 4 tasks × overlap 2: 4 reviews per arm; computeMetrics says "only 4 reviews: an interval needs at least 10"
    const tiny = simulateDesign([2, 3, 1, 2], conditions, { tasks: 4, evaluators: 4, overlap: 2 }, a, seededRandom(5));
    expect(tiny).toMatchObject({ power: 0, mean_ci_width: null, median_ci_width: null });
    const small = simulateDesign(Array(12).fill(2), conditions, { tasks: 12, evaluators: 4, overlap: 2 }, a, seededRandom(5));
    expect(small.median_ci_width).not.toBeNull();
    // a few very wide intervals pull the mean up; the median is the typical study's
    expect(small.median_ci_width!).toBeLessThanOrEqual(small.mean_ci_width!);
  });

  it('refuses what cannot be simulated, naming the option', () => {
    expect(() => planStudy([1, 2], [{ name: 'a', policy: 'all' }, { name: 'b', policy: 'top-2' }], { uplift: 0.5 })).toThrow(/needs an unassisted condition/);
    expect(() => planStudy([0, 0], conditions, { uplift: 0.5 })).toThrow(PlanInputError);
    expect(() => planStudy([1], conditions, { uplift: 4 })).toThrow(/--uplift: 4 over a catch rate of 0.27 would exceed 100%/);
    expect(() => planStudy([1], conditions, { uplift: -1 })).toThrow(/--uplift/);
    // bounded work (the plan also runs behind browser mode's API)
    expect(() => planStudy(Array(15_000).fill(1), conditions, { uplift: 0.5 })).toThrow(/at most 20,000 reviews per study \(tasks × overlap\); these 15000 tasks × overlap 2/);
  });
});
