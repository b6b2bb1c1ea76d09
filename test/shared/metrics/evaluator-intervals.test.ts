import { describe, expect, it } from 'vitest';
import { settingModel, coverageSettings } from '../../../bench/sections/coverage.js';
import { computeMetrics, type EvaluatorRow, type Figure } from '../../../shared/metrics/compute.js';
import { metricTaskFromInput } from '../../../shared/metrics/from-task.js';
import { seededRandom, type Random } from '../../../shared/metrics/prng.js';
import { meanExpit, normal, outcomeReview, simulatedTasks, type SimOutcome } from '../../../shared/metrics/simulate.js';
import type { StudyData } from '../../../shared/metrics/types.js';
import { assignStudy } from '../../../shared/study/assign.js';
import type { TaskInput } from '../../../shared/task-format.js';

// Per-evaluator figures (`breakdowns.by_evaluator`, docs/metrics.md "Per-evaluator intervals"): the
// evaluator is fixed, so the target is that evaluator's expected figure over tasks in general, and
// an evaluator sees each task once: the reviews are independent units.

const CONDITIONS = [
  { name: 'unassisted', policy: 'none' },
  { name: 'assisted', policy: 'all' },
];

/** One review's outcome: `caught` of the task's flaws caught (the first ones), no false report. */
function outcome(task: string, evaluator: string, condition: string, flaws: number, caught: number, position: number): SimOutcome {
  return { task, evaluator, condition, position, caught: Array.from({ length: flaws }, (_v, i) => i < caught), falseReport: false, rating: 4, activeSeconds: 60 };
}

/** A study whose reviews are the given outcomes over the given tasks. */
function studyOf(tasks: readonly TaskInput[], outcomes: readonly SimOutcome[]): StudyData {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  return {
    study: 'evaluators',
    conditions: CONDITIONS,
    tasks: tasks.map(metricTaskFromInput),
    reviews: outcomes.map((o, i) => outcomeReview(o, byId.get(o.task)!, o.condition !== 'unassisted', `r${i}`)),
    adjudications: [],
  };
}

const row = (rows: readonly EvaluatorRow[], evaluator: string, condition: string): EvaluatorRow | undefined => rows.find((r) => r.evaluator === evaluator && r.condition === condition);

const mean = (xs: readonly number[]): number => xs.reduce((s, x) => s + x, 0) / xs.length;
const variance = (xs: readonly number[]): number => {
  const m = mean(xs);
  return xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1);
};

describe('per-evaluator intervals: the arithmetic', () => {
  // One evaluator, 10 unassisted and 10 assisted reviews of 20 tasks with 6 planted flaws each.
  // Unassisted caught b = [0,1,1,2,0,3,1,1,2,1] (mean 1.2, s² = 7.6/9); assisted a = 2b (mean 2.4).
  // Textbook, computed here rather than by the engine:
  //   caught per review: ȳ·exp(±t₉·(s/√n)/ȳ) (a t interval on the log scale), t₉ = 2.2621571628;
  //   own uplift: log(ȳa/ȳb) ± t·√(s²a/(na·ȳa²) + s²b/(nb·ȳb²)) (delta method, two independent
  //   samples), Welch–Satterthwaite df — 18 here, as a = 2b makes the two terms equal —
  //   t₁₈ = 2.1009220402, then exp(·) − 1.
  const b = [0, 1, 1, 2, 0, 3, 1, 1, 2, 1];
  const a = b.map((x) => 2 * x);
  const tasks = simulatedTasks(20, seededRandom(1), 'hand', Array(20).fill(6));
  const outcomes = [
    ...b.map((k, i) => outcome(tasks[i]!.id, 'ev', 'unassisted', 6, k, i + 1)),
    ...a.map((k, i) => outcome(tasks[10 + i]!.id, 'ev', 'assisted', 6, k, 11 + i)),
  ];
  const m = computeMetrics(studyOf(tasks, outcomes));
  const assisted = row(m.breakdowns.by_evaluator, 'ev', 'assisted')!;
  const unassisted = row(m.breakdowns.by_evaluator, 'ev', 'unassisted')!;

  it('caught and reported per review: a t interval with n − 1 df on the log scale, over the evaluator’s reviews', () => {
    for (const [r, ys] of [
      [assisted, a],
      [unassisted, b],
    ] as const) {
      const y = mean(ys);
      const half = (2.2621571628 * Math.sqrt(variance(ys) / ys.length)) / y;
      for (const f of [r.caught_per_review, r.reported_per_review]) {
        expect(f.value).toBeCloseTo(y, 12);
        expect(f.ci[0]!).toBeCloseTo(y * Math.exp(-half), 9);
        expect(f.ci[1]!).toBeCloseTo(y * Math.exp(half), 9);
        expect(f.reason).toBeNull();
        expect(f.basis).toMatchObject({ reviews: 10, evaluators: 1, tasks: 10, df: 9, resamples: null });
      }
    }
    expect(unassisted.caught_per_review.basis).toMatchObject({ flaws: 60, flaws_auto_matchable: 60, flaws_adjudicated: 0 });
  });

  it('the own uplift: the delta-method variance of two independent means, Welch df, on the log-ratio scale', () => {
    const vA = variance(a) / (a.length * mean(a) ** 2);
    const vB = variance(b) / (b.length * mean(b) ** 2);
    const se = Math.sqrt(vA + vB);
    const lr = Math.log(mean(a) / mean(b));
    for (const f of [assisted.uplift_caught, assisted.uplift_reported]) {
      expect(f.value).toBeCloseTo(1, 12);
      expect(f.ci[0]!).toBeCloseTo(Math.exp(lr - 2.1009220402 * se) - 1, 9);
      expect(f.ci[1]!).toBeCloseTo(Math.exp(lr + 2.1009220402 * se) - 1, 9);
      expect(f.basis).toMatchObject({ reviews: 20, evaluators: 1, tasks: 20 });
      expect(f.basis.df).toBeCloseTo(18, 9);
    }
    expect(unassisted.uplift_caught).toMatchObject({ value: null, ci: [null, null], reason: 'the baseline condition itself' });
  });
});

describe('per-evaluator intervals: too little to go on', () => {
  const tasks = simulatedTasks(30, seededRandom(2), 'few', Array(30).fill(3));
  /** Evaluator `ev` with `n` reviews in `condition`, starting at task `from`, catching `caught(i)` each. */
  const reviewsOf = (ev: string, condition: string, n: number, from: number, caught: (i: number) => number): SimOutcome[] =>
    Array.from({ length: n }, (_v, i) => outcome(tasks[from + i]!.id, ev, condition, 3, caught(i), i + 1));

  it('one review: the figure, no interval, and the reason; none at all: no row, never a figure of 0', () => {
    const m = computeMetrics(
      studyOf(tasks, [
        ...reviewsOf('solo', 'assisted', 1, 0, () => 2),
        ...reviewsOf('solo', 'unassisted', 12, 1, (i) => i % 3),
        ...reviewsOf('ten', 'assisted', 12, 13, (i) => (i % 2) + 1),
      ]),
    );
    const solo = row(m.breakdowns.by_evaluator, 'solo', 'assisted')!;
    expect(solo.reviews).toBe(1);
    for (const f of [solo.caught_per_review, solo.reported_per_review]) expect(f).toMatchObject({ value: 2, ci: [null, null], reason: 'only 1 review: an interval needs at least 10' });
    expect(solo.uplift_caught).toMatchObject({ value: 2 / 1 - 1, ci: [null, null], reason: 'only 1 review: an interval needs at least 10' });
    // 'ten' has no baseline reviews: no uplift, and why
    const ten = row(m.breakdowns.by_evaluator, 'ten', 'assisted')!;
    expect(ten.caught_per_review.ci[0]).not.toBeNull();
    expect(ten.uplift_caught).toMatchObject({ value: null, ci: [null, null], reason: 'this evaluator has no reviews in the baseline condition' });
    // 'ten' never reviewed unassisted: no row is made up for it
    expect(row(m.breakdowns.by_evaluator, 'ten', 'unassisted')).toBeUndefined();
  });

  it('with the minimum lowered to 0 (arithmetic tests), one review still gives no interval and says it is one review', () => {
    const m = computeMetrics(studyOf(tasks, [...reviewsOf('solo', 'assisted', 1, 0, () => 2), ...reviewsOf('solo', 'unassisted', 1, 1, () => 1)]), { minReviews: 0 });
    const solo = row(m.breakdowns.by_evaluator, 'solo', 'assisted')!;
    for (const f of [solo.caught_per_review, solo.uplift_caught]) {
      expect(f.ci).toEqual([null, null]);
      expect(f.reason).toMatch(/only 1 review/);
    }
  });

  it('a baseline arm with too few reviews, or with nothing caught, gives no interval for the uplift, and says which', () => {
    const m = computeMetrics(
      studyOf(tasks, [
        ...reviewsOf('a', 'assisted', 12, 0, (i) => i % 3),
        ...reviewsOf('a', 'unassisted', 3, 12, () => 1),
        ...reviewsOf('z', 'assisted', 12, 0, (i) => i % 3),
        ...reviewsOf('z', 'unassisted', 12, 12, () => 0),
        ...reviewsOf('flat', 'assisted', 12, 0, () => 2),
      ]),
    );
    expect(row(m.breakdowns.by_evaluator, 'a', 'assisted')!.uplift_caught).toMatchObject({ ci: [null, null], reason: 'baseline: only 3 reviews: an interval needs at least 10' });
    expect(row(m.breakdowns.by_evaluator, 'z', 'assisted')!.uplift_caught).toMatchObject({ value: null, reason: 'this evaluator’s baseline figure is 0: a relative change is undefined' });
    // every review the same: no variation seen, so no interval (never a zero-width one)
    expect(row(m.breakdowns.by_evaluator, 'flat', 'assisted')!.caught_per_review).toMatchObject({ value: 2, ci: [null, null], reason: 'no variation between the reviews: no interval' });
  });
});

describe('per-evaluator intervals: coverage with a known truth', () => {
  // The coverage simulation's model (27% caught unassisted, 45% with critiques, task difficulty
  // SD 0.5, false reports 0.2/0.3) with SIX FIXED EVALUATORS of known skill u (logit scale) and
  // fresh tasks (0–3 planted flaws each) every replicate. Evaluator i's truth in condition c:
  // caught per review 1.5·E[expit(a + b_c + u_i + v)], v ~ N(0, 0.5²); reported adds the
  // false-report rate; the own uplift is the ratio of the two conditions − 1.
  const setting = coverageSettings[1]!; // σ = 0.8, 6 evaluators, 2 conditions, overlap 2
  const model = settingModel(setting);
  const skills = [-0.9, -0.4, 0, 0.3, 0.7, 1.2];
  const evaluators = skills.map((_u, i) => `ev${i + 1}`);
  const TASKS = 80;
  const truth = skills.map((u) => {
    const caught = model.conditions.map((c) => 1.5 * meanExpit(model.intercept + c.effect + u, model.taskSd));
    const reported = caught.map((x, c) => x + model.conditions[c]!.falseReport);
    return { caught, reported, upliftCaught: caught[1]! / caught[0]! - 1, upliftReported: reported[1]! / reported[0]! - 1 };
  });

  function replicate(random: Random, seed: number): StudyData {
    const tasks = simulatedTasks(TASKS, random);
    const assignments = assignStudy({ tasks: tasks.map((t) => t.id), evaluators, conditions: setting.conditions, overlap: setting.overlap, seed });
    const v = new Map(tasks.map((t) => [t.id, model.taskSd * normal(random)]));
    const flaws = new Map(tasks.map((t) => [t.id, (t.flaws ?? []).length]));
    const outcomes = assignments.map((x): SimOutcome => {
      const c = model.conditions.find((k) => k.name === x.condition)!;
      const p = 1 / (1 + Math.exp(-(model.intercept + c.effect + skills[evaluators.indexOf(x.evaluator)]! + v.get(x.task)!)));
      const caught = Array.from({ length: flaws.get(x.task)! }, () => random() < p);
      return { task: x.task, evaluator: x.evaluator, condition: x.condition, position: x.position, caught, falseReport: random() < c.falseReport, rating: 4, activeSeconds: 60 };
    });
    return studyOf(tasks, outcomes);
  }

  it('the 95% intervals of caught and reported per review and of the own uplifts cover each evaluator’s truth about 95% of the time', () => {
    const replicates = 300;
    const kinds = ['caught_per_review', 'reported_per_review', 'uplift_caught', 'uplift_reported'] as const;
    const tally = Object.fromEntries(kinds.map((k) => [k, { covered: 0, defined: 0, total: 0 }])) as Record<(typeof kinds)[number], { covered: number; defined: number; total: number }>;
    const perEvaluator = evaluators.map(() => ({ covered: 0, defined: 0 }));
    const random = seededRandom(515);
    for (let r = 0; r < replicates; r++) {
      const m = computeMetrics(replicate(random, 1000 + r));
      evaluators.forEach((ev, i) => {
        const check = (kind: (typeof kinds)[number], f: Figure, value: number): void => {
          tally[kind].total++;
          if (f.ci[0] === null || f.ci[1] === null) return;
          tally[kind].defined++;
          perEvaluator[i]!.defined++;
          expect(f.ci[0]).toBeLessThanOrEqual(f.value!);
          expect(f.ci[1]).toBeGreaterThanOrEqual(f.value!);
          if (f.ci[0] <= value && value <= f.ci[1]) {
            tally[kind].covered++;
            perEvaluator[i]!.covered++;
          }
        };
        CONDITIONS.forEach((c, ci) => {
          const rr = row(m.breakdowns.by_evaluator, ev, c.name);
          if (!rr) return;
          check('caught_per_review', rr.caught_per_review, truth[i]!.caught[ci]!);
          check('reported_per_review', rr.reported_per_review, truth[i]!.reported[ci]!);
          if (c.name === 'assisted') {
            check('uplift_caught', rr.uplift_caught, truth[i]!.upliftCaught);
            check('uplift_reported', rr.uplift_reported, truth[i]!.upliftReported);
          }
        });
      });
    }
    const summary = JSON.stringify({ tally, perEvaluator });
    for (const k of kinds) {
      const t = tally[k];
      // most replicates give an interval (each evaluator reviews about 13 tasks per condition)
      expect(t.defined / t.total, `${k}: ${summary}`).toBeGreaterThan(0.8);
      // pooled over the six evaluators (≈ 1,800 or 3,600 intervals: Monte-Carlo SE ≤ 0.006). In
      // development: caught 0.963, reported 0.955, uplift caught 0.973, uplift reported 0.970 —
      // a little conservative (about 13 reviews per arm of skewed counts, on the log scale)
      expect(t.covered / t.defined, `${k}: ${summary}`).toBeGreaterThanOrEqual(0.925);
      expect(t.covered / t.defined, `${k}: ${summary}`).toBeLessThanOrEqual(0.985);
    }
    // and for every evaluator, weak or strong (≈ 900 intervals each: SE ≈ 0.007; 0.950–0.980 in development)
    for (const [i, e] of perEvaluator.entries()) expect(e.covered / e.defined, `${evaluators[i]}: ${summary}`).toBeGreaterThanOrEqual(0.91);
  });
});
