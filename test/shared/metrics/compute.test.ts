import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeMetrics, weightedMedian, type Figure, type StudyMetrics } from '../../../shared/metrics/compute.js';
import { krippendorffAlpha } from '../../../shared/metrics/krippendorff.js';
import { median } from '../../../shared/metrics/stats.js';
import type { StudyData } from '../../../shared/metrics/types.js';
import { handStudy, review, studyArb } from './fixtures.js';

const v = (f: Figure): number | null => f.value;

describe('computeMetrics on a hand-computed study', () => {
  // The task bootstrap with no minimum of reviews: these tests check the arithmetic on 7 reviews.
  const m = computeMetrics(handStudy(), { ci: 'tasks', bootstrap: 200, seed: 3, minReviews: 0 });
  const un = m.conditions['unassisted']!;
  const as = m.conditions['assisted']!;

  it('counts submitted, unskipped reviews and picks the first `none` condition as baseline', () => {
    expect(m.baseline).toBe('unassisted');
    expect(un.reviews).toBe(3);
    expect(as.reviews).toBe(3);
    expect(m.ci_method).toBe('tasks:percentile-bootstrap');
    expect(m.intervals).toEqual({ method: 'tasks:percentile-bootstrap', level: 0.95, resamples: 200, seed: 3, tasks: 3, evaluators: 2, note: null });
  });

  it('computes the unassisted figures', () => {
    expect(v(un.reported_per_review)).toBeCloseTo(2 / 3, 12);
    expect(v(un.caught_per_review)).toBeCloseTo(1 / 3, 12);
    expect(v(un.catch_rate)).toBeCloseTo(1 / 3, 12);
    expect(v(un.critique_accept_rate)).toBeNull();
    expect(v(un.invalid_accept_rate)).toBeNull();
    expect(v(un.valid_reject_rate)).toBeNull();
    expect(un.critique_accept_rate.ci).toEqual([null, null]);
    expect(v(un.added_per_review)).toBeCloseTo(2 / 3, 12);
    expect(v(un.median_active_seconds)).toBe(60);
  });

  it('computes the assisted figures', () => {
    expect(v(as.reported_per_review)).toBeCloseTo(4 / 3, 12);
    expect(v(as.caught_per_review)).toBeCloseTo(1, 12);
    expect(v(as.catch_rate)).toBeCloseTo(1, 12);
    expect(v(as.critique_accept_rate)).toBeCloseTo(3 / 5, 12);
    expect(v(as.invalid_accept_rate)).toBeCloseTo(1 / 2, 12);
    expect(v(as.valid_reject_rate)).toBeCloseTo(1 / 3, 12);
    expect(v(as.added_per_review)).toBeCloseTo(1 / 3, 12);
    expect(v(as.median_active_seconds)).toBe(50);
  });

  it('computes uplift over the baseline, and none for the baseline itself', () => {
    expect(Object.keys(m.uplift)).toEqual(['assisted']);
    expect(v(m.uplift['assisted']!.reported)).toBeCloseTo(1, 12);
    expect(v(m.uplift['assisted']!.caught)).toBeCloseTo(2, 12);
  });

  it('reports the fate of shown critiques and human-added flaws', () => {
    expect(as.fate).toEqual({ kept: 2, edited: 1, rejected: 1, rejected_by_reason: { nitpick: 1 }, undecided: 1, added: 1 });
    expect(un.fate).toEqual({ kept: 0, edited: 0, rejected: 0, rejected_by_reason: {}, undecided: 0, added: 2 });
  });

  it('breaks catch rate down by severity and gives per-evaluator and per-position figures', () => {
    expect(m.breakdowns.by_severity).toEqual([
      { condition: 'unassisted', group: 'major', caught: 1, flaws: 2, catch_rate: 0.5 },
      { condition: 'unassisted', group: 'minor', caught: 0, flaws: 1, catch_rate: 0 },
      { condition: 'assisted', group: 'major', caught: 2, flaws: 2, catch_rate: 1 },
      { condition: 'assisted', group: 'minor', caught: 1, flaws: 1, catch_rate: 1 },
    ]);
    const b = m.breakdowns.by_evaluator.find((r) => r.evaluator === 'b' && r.condition === 'assisted')!;
    // b: assisted r2 (reported 3, caught 2) and r6 (0, 0); unassisted r4 reported 0 → no uplift (zero baseline)
    expect(b.reviews).toBe(2);
    expect(v(b.reported_per_review)).toBe(1.5);
    expect(v(b.caught_per_review)).toBe(1);
    expect(b.uplift_reported).toMatchObject({ value: null, reason: expect.stringMatching(/baseline figure is 0/) });
    const a = m.breakdowns.by_evaluator.find((r) => r.evaluator === 'a' && r.condition === 'assisted')!;
    // a: assisted r3 reported 1; unassisted r1, r5 reported 1 each → 1/1 − 1 = 0; caught 1 vs 0.5 → 1
    expect([v(a.reported_per_review), v(a.uplift_reported), v(a.uplift_caught)]).toEqual([1, 0, 1]);
    // the baseline condition's own rows have no uplift: null with the reason, not 0
    const aBase = m.breakdowns.by_evaluator.find((r) => r.evaluator === 'a' && r.condition === 'unassisted')!;
    expect(aBase.uplift_reported).toMatchObject({ value: null, ci: [null, null], reason: 'the baseline condition itself' });
    expect(m.breakdowns.by_position.filter((r) => r.condition === 'assisted').map((r) => [r.position, r.caught_per_review])).toEqual([
      [1, 2],
      [2, 1],
      [3, 0],
    ]);
    expect(m.breakdowns.active_seconds).toEqual({ unassisted: [30, 60, 100], assisted: [40, 50, 200] });
  });

  it('lets adjudications overrule the auto-matches both ways', () => {
    const data = handStudy();
    const adjudicated = computeMetrics(
      {
        ...data,
        adjudications: [
          { review: 'r2', flaw: 'f1', report: { kind: 'critique', id: 'c1' }, verdict: 'no-match' },
          { review: 'r1', flaw: 'f2', report: { kind: 'added', id: 'a1' }, verdict: 'match' },
        ],
      },
      { bootstrap: 0 },
    );
    expect(v(adjudicated.conditions['assisted']!.caught_per_review)).toBeCloseTo(2 / 3, 12);
    expect(v(adjudicated.conditions['unassisted']!.caught_per_review)).toBeCloseTo(2 / 3, 12);
    expect(adjudicated.conditions['assisted']!.caught_per_review.ci).toEqual([null, null]);
  });

  it('takes an explicit baseline and refuses an unknown one by name', () => {
    const m2 = computeMetrics(handStudy(), { bootstrap: 0, baseline: 'assisted' });
    expect(v(m2.uplift['unassisted']!.reported)).toBeCloseTo(-0.5, 12);
    expect(() => computeMetrics(handStudy(), { baseline: 'nope' })).toThrow(/baseline: no condition "nope" in study "hand" \(conditions: unassisted, assisted\)/);
  });

  it('refuses reviews that point at unknown tasks, conditions or critiques, naming the review', () => {
    const data = handStudy();
    const bad = (r: Partial<StudyData['reviews'][number]>): StudyData => ({ ...data, reviews: [...data.reviews, review({ id: 'rx', task: 't1', evaluator: 'z', condition: 'assisted', ...r })] });
    expect(() => computeMetrics(bad({ task: 'tz' }))).toThrow(/reviews\[7\] \(review "rx"\)\.task: unknown task "tz"/);
    expect(() => computeMetrics(bad({ condition: 'zz' }))).toThrow(/\.condition: unknown condition "zz"/);
    expect(() => computeMetrics(bad({ shown: ['c9'] }))).toThrow(/\.shown: task "t1" has no critique "c9"/);
    expect(() => computeMetrics(bad({ shown: [], decisions: [{ critique: 'c1', verdict: 'accept' }] }))).toThrow(/critique "c1" was not shown/);
  });

  it('gives CIs that bracket the point estimate for means here and are reproducible for a seed', () => {
    const again = computeMetrics(handStudy(), { ci: 'tasks', bootstrap: 200, seed: 3, minReviews: 0 });
    expect(again).toEqual(m);
    const [lo, hi] = as.reported_per_review.ci;
    expect(lo).not.toBeNull();
    expect(lo!).toBeLessThanOrEqual(4 / 3);
    expect(hi!).toBeGreaterThanOrEqual(4 / 3);
    const other = computeMetrics(handStudy(), { ci: 'tasks', bootstrap: 200, seed: 4, minReviews: 0 });
    expect(other.conditions['assisted']!.reported_per_review.value).toBe(as.reported_per_review.value);
  });
});

describe('edge cases', () => {
  it('a study without finished reviews gives zero counts, null figures and no uplift values', () => {
    const data = handStudy();
    const m = computeMetrics({ ...data, reviews: data.reviews.map((r) => ({ ...r, submitted: false })) }, { ci: 'tasks', bootstrap: 50 });
    expect(m.intervals.tasks).toBe(0);
    expect(m.intervals.resamples).toBe(0);
    for (const c of Object.values(m.conditions)) {
      expect(c.reviews).toBe(0);
      expect(c.reported_per_review).toMatchObject({ value: null, ci: [null, null], reason: 'no finished reviews in this condition' });
      expect(c.caught_per_review).toMatchObject({ value: null, reason: 'no finished reviews' });
      expect(c.median_active_seconds.value).toBeNull();
    }
    expect(m.uplift['assisted']!.reported).toMatchObject({ value: null, ci: [null, null] });
    expect(m.uplift['assisted']!.reported.reason).not.toBeNull();
  });

  it('without a `none` condition there is no baseline and no uplift', () => {
    const data = handStudy();
    const m = computeMetrics({ ...data, conditions: data.conditions.map((c) => ({ ...c, policy: 'all' })) }, { bootstrap: 0 });
    expect(m.baseline).toBeNull();
    expect(m.uplift).toEqual({});
  });

  it('refuses a negative or fractional bootstrap count', () => {
    expect(() => computeMetrics(handStudy(), { bootstrap: -1 })).toThrow(/bootstrap: must be a whole number/);
    expect(() => computeMetrics(handStudy(), { bootstrap: 1.5 })).toThrow(/bootstrap/);
  });

  it('reports progress up to the total', () => {
    const seen: number[] = [];
    computeMetrics(handStudy(), { ci: 'tasks', bootstrap: 100, onProgress: (done, total) => seen.push(done / total) });
    expect(seen.length).toBeGreaterThan(1);
    expect(seen.at(-1)).toBe(1);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
  });
});

describe('agreement', () => {
  it('verdict alpha uses task × critique units shown to ≥ 2 evaluators; rating alpha uses tasks', () => {
    const task = { id: 't', kind: 'summary' as const, critiques: [{ id: 'x', valid: true }, { id: 'y', valid: false }], flaws: [] };
    const task2 = { ...task, id: 'u' };
    const mk = (id: string, t: string, ev: string, acc: string[], rating: number) =>
      review({ id, task: t, evaluator: ev, condition: 'all', shown: ['x', 'y'], decisions: acc.map((c) => ({ critique: c, verdict: 'accept' as const })), rating });
    const data: StudyData = {
      study: 's',
      conditions: [{ name: 'all', policy: 'all' }],
      tasks: [task, task2],
      reviews: [mk('1', 't', 'a', ['x'], 5), mk('2', 't', 'b', ['x', 'y'], 6), mk('3', 't', 'c', [], 2), mk('4', 'u', 'a', ['y'], 3), mk('5', 'u', 'b', ['y'], 3)],
      adjudications: [],
    };
    const m = computeMetrics(data, { bootstrap: 0 });
    const verdictUnits = [
      [1, 1, 0],
      [0, 1, 0],
      [0, 0],
      [1, 1],
    ];
    expect(m.conditions['all']!.agreement.verdict_alpha.value).toBeCloseTo(krippendorffAlpha(verdictUnits, 'nominal')!, 12);
    expect(m.conditions['all']!.agreement.rating_alpha.value).toBeCloseTo(krippendorffAlpha([[5, 6, 2], [3, 3]], 'interval')!, 12);
  });
});

describe('weightedMedian', () => {
  it('equals the median of the expanded list', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.nat(4)), { maxLength: 20 }),
        fc.array(fc.nat(3), { minLength: 5, maxLength: 5 }),
        (items, weights) => {
          const sorted = [...items].sort((a, b) => a[0] - b[0]);
          const expanded = sorted.flatMap(([s, t]) => Array(weights[t]!).fill(s) as number[]);
          const got = weightedMedian(Float64Array.from(sorted, (x) => x[0]), Int32Array.from(sorted, (x) => x[1]), Float64Array.from(weights));
          expect(got).toBe(median(expanded));
        },
      ),
    );
  });
});

const allFigures = (m: StudyMetrics): Figure[] =>
  Object.values(m.conditions).flatMap((c) => [
    c.reported_per_review,
    c.caught_per_review,
    c.catch_rate,
    c.critique_accept_rate,
    c.invalid_accept_rate,
    c.valid_reject_rate,
    c.added_per_review,
    c.median_active_seconds,
    c.agreement.verdict_alpha,
    c.agreement.rating_alpha,
  ]);

describe('metric properties', () => {
  it('rates lie in [0, 1] and every CI is ordered', () => {
    let checked = 0;
    fc.assert(
      fc.property(studyArb(), (data) => {
        for (const options of [{ ci: 'tasks' as const, bootstrap: 30, seed: 1, minReviews: 0 }, { ci: 'population' as const, minReviews: 0 }]) {
          const m = computeMetrics(data, options);
          for (const c of Object.values(m.conditions)) {
            for (const f of [c.catch_rate, c.critique_accept_rate, c.invalid_accept_rate, c.valid_reject_rate]) {
              if (f.value !== null) {
                checked++;
                expect(f.value).toBeGreaterThanOrEqual(0);
                expect(f.value).toBeLessThanOrEqual(1);
              }
              if (f.ci[0] !== null) {
                expect(f.ci[0]).toBeGreaterThanOrEqual(0);
                expect(f.ci[1]!).toBeLessThanOrEqual(1);
              }
            }
          }
          for (const f of allFigures(m)) {
            if (f.ci[0] !== null) expect(f.ci[0]).toBeLessThanOrEqual(f.ci[1]!);
            // a null figure or interval always says why
            if (f.value === null || f.ci[0] === null) expect(f.reason).toEqual(expect.any(String));
          }
        }
      }),
      { numRuns: 60 },
    );
    expect(checked).toBeGreaterThan(60); // the generated studies do give defined rates to check
  });

  it('identical arms give uplift 0 with a CI containing 0', () => {
    let checked = 0;
    fc.assert(
      fc.property(studyArb(['none']), fc.integer(), (data, seed) => {
        // copy every review into a second arm with the same shown critiques and work
        const twin: StudyData = {
          ...data,
          conditions: [...data.conditions, { name: 'twin', policy: 'none' }],
          reviews: [...data.reviews, ...data.reviews.map((r) => ({ ...r, id: `${r.id}-twin`, condition: 'twin' }))],
        };
        for (const options of [{ ci: 'tasks' as const, bootstrap: 50, seed, minReviews: 0 }, { ci: 'population' as const, minReviews: 0 }]) {
          const m = computeMetrics(twin, options);
          const u = m.uplift['twin']!;
          for (const f of [u.reported, u.caught, u.reported_diff, u.caught_diff, u.catch_rate_diff]) {
            if (f.value === null) continue; // baseline of zero: undefined ratio
            checked++;
            expect(f.value).toBeCloseTo(0, 12);
            if (f.ci[0] === null) continue; // too few evaluators or no variation: said in f.reason
            expect(f.ci[0]).toBeLessThanOrEqual(1e-12);
            expect(f.ci[1]!).toBeGreaterThanOrEqual(-1e-12);
          }
        }
      }),
      { numRuns: 60 },
    );
    expect(checked).toBeGreaterThan(10); // not every generated baseline is zero
  });

  it('relabelling conditions permutes the results', () => {
    fc.assert(
      fc.property(studyArb(['p', 'q', 'r']), fc.integer(), (data, seed) => {
        const rename: Record<string, string> = { p: 'Z', q: 'X', r: 'Y' };
        const relabelled: StudyData = {
          ...data,
          conditions: [...data.conditions].reverse().map((c) => ({ ...c, name: rename[c.name]! })),
          reviews: data.reviews.map((r) => ({ ...r, condition: rename[r.condition]! })),
        };
        const a = computeMetrics(data, { ci: 'tasks', bootstrap: 40, seed, baseline: 'q' });
        const b = computeMetrics(relabelled, { ci: 'tasks', bootstrap: 40, seed, baseline: 'X' });
        for (const [from, to] of Object.entries(rename)) {
          expect(b.conditions[to]).toEqual(a.conditions[from]);
          // comparisons name their arms in their reasons: compare them with the names mapped
          const named = (x: unknown): string => JSON.stringify(x).replace(/\b(p|q|r)\b(?=[ :'(])/g, (n) => rename[n]!);
          if (from !== 'q') expect(JSON.stringify(b.uplift[to])).toEqual(named(a.uplift[from]));
        }
      }),
      { numRuns: 40 },
    );
  });

  it('the point estimates do not depend on the bootstrap', () => {
    fc.assert(
      fc.property(studyArb(), (data) => {
        const a = computeMetrics(data, { ci: 'tasks', bootstrap: 0 });
        const b = computeMetrics(data, { ci: 'tasks', bootstrap: 25, seed: 9 });
        const c = computeMetrics(data);
        expect(allFigures(c).map((f) => f.value)).toEqual(allFigures(a).map((f) => f.value));
        expect(allFigures(b).map((f) => f.value)).toEqual(allFigures(a).map((f) => f.value));
      }),
      { numRuns: 30 },
    );
  });
});
