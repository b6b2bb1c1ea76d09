import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { binOf, CALIBRATION_BINS, NO_QUESTION } from '../../../shared/metrics/calibration.js';
import { computeMetrics, MetricsInputError, type Figure } from '../../../shared/metrics/compute.js';
import { tidyTable } from '../../../shared/metrics/tidy.js';
import type { MetricReview, MetricTask, StudyData } from '../../../shared/metrics/types.js';
import { review } from './fixtures.js';

const QUESTION = 'Does the output contain a serious flaw?';

/**
 * Four tasks: t1 and t2 have a ground-truth flaw (flawed), t3 has only a decoy critique
 * (valid: false — not a flaw: clean), t4 has nothing (clean).
 */
const tasks: MetricTask[] = [
  { id: 't1', kind: 'summary', critiques: [], flaws: [{ id: 'f1', anchor: null, severity: 'minor', category: null, critiques: [] }] },
  { id: 't2', kind: 'summary', critiques: [], flaws: [{ id: 'f1', anchor: null, severity: 'major', category: null, critiques: [] }] },
  { id: 't3', kind: 'summary', critiques: [{ id: 'c1', valid: false }], flaws: [] },
  { id: 't4', kind: 'summary', critiques: [], flaws: [] },
];

const ans = (id: string, task: string, evaluator: string, condition: string, answer: boolean | null, confidence: number | null, extra: Partial<MetricReview> = {}): MetricReview =>
  review({ id, task, evaluator, condition, answer, confidence, ...extra });

/**
 * Computed by hand (p = confidence / 100; correct = answer equals "task is flawed";
 * Brier term = (P(flawed) − flawed)² = (p − correct)²; gap = p − correct):
 *
 * unassisted            answer conf truth   correct Brier   gap    bin
 *   u1 a t1             yes    90   flawed  1       0.01    −0.10  90–100
 *   u2 a t3 (decoy)     yes    60   clean   0       0.36    +0.60  60–69
 *   u3 b t2             no     70   flawed  0       0.49    +0.70  70–79
 *   u4 b t4             no     80   clean   1       0.04    −0.20  80–89
 *   u5 c t1             —      —    (ended by the clock: unanswered, left out)
 *   accuracy 2/4 = 0.5; Brier 0.90/4 = 0.225; mean confidence 3.0/4 = 0.75;
 *   over-confidence 0.75 − 0.5 = 0.25; ECE (one review per bin) (0.1+0.6+0.7+0.2)/4 = 0.4.
 *
 * assisted
 *   s1 a t2             yes   100   flawed  1       0       0      90–100
 *   s2 a t4             no     95   clean   1       0.0025  −0.05  90–100
 *   s3 b t1             yes    55   flawed  1       0.2025  −0.45  50–59
 *   s4 b t3 (decoy)     yes    92   clean   0       0.8464  +0.92  90–100
 *   s5 c t4 skipped (not counted at all)
 *   accuracy 3/4 = 0.75; Brier 1.0514/4 = 0.26285; mean confidence 3.42/4 = 0.855;
 *   over-confidence 0.855 − 0.75 = 0.105;
 *   ECE: bin 90–100 gaps sum 0 − 0.05 + 0.92 = 0.87, bin 50–59 −0.45: (0.87 + 0.45)/4 = 0.33.
 *   Reliability 90–100: 3 reviews, mean confidence 2.87/3, accuracy 2/3.
 *
 * assisted − unassisted: accuracy +0.25, Brier +0.03785, mean confidence +0.105,
 * over-confidence −0.145.
 */
function handStudy(question: string | null = QUESTION): StudyData {
  return {
    study: 'calib',
    question,
    conditions: [
      { name: 'unassisted', policy: 'none' },
      { name: 'assisted', policy: 'all' },
    ],
    tasks,
    reviews: [
      ans('u1', 't1', 'a', 'unassisted', true, 90),
      ans('u2', 't3', 'a', 'unassisted', true, 60),
      ans('u3', 't2', 'b', 'unassisted', false, 70),
      ans('u4', 't4', 'b', 'unassisted', false, 80),
      ans('u5', 't1', 'c', 'unassisted', null, null, { endedBy: 'time-limit' }),
      ans('s1', 't2', 'a', 'assisted', true, 100),
      ans('s2', 't4', 'a', 'assisted', false, 95),
      ans('s3', 't1', 'b', 'assisted', true, 55),
      ans('s4', 't3', 'b', 'assisted', true, 92, { shown: ['c1'], decisions: [{ critique: 'c1', verdict: 'accept' }] }),
      ans('s5', 't4', 'c', 'assisted', null, null, { skipped: true }),
    ],
    adjudications: [],
  };
}

describe('calibration figures on a hand-computed study', () => {
  const m = computeMetrics(handStudy());
  const u = m.conditions['unassisted']!.calibration!;
  const s = m.conditions['assisted']!.calibration!;

  it('scores each answer against "the task has a ground-truth flaw" (a decoy is no flaw): accuracy, Brier, ECE, mean confidence, over-confidence', () => {
    expect(m.calibration).toMatchObject({ question: QUESTION, reason: null });
    expect(u.answered).toBe(4);
    expect(u.unanswered).toBe(1);
    expect(u.accuracy.value).toBeCloseTo(0.5, 12);
    expect(u.brier.value).toBeCloseTo(0.225, 12);
    expect(u.ece.value).toBeCloseTo(0.4, 12);
    expect(u.mean_confidence.value).toBeCloseTo(0.75, 12);
    expect(u.overconfidence.value).toBeCloseTo(0.25, 12);
    expect(s.answered).toBe(4);
    expect(s.unanswered).toBe(0); // the skipped review is not counted at all
    expect(s.accuracy.value).toBeCloseTo(0.75, 12);
    expect(s.brier.value).toBeCloseTo(0.26285, 12);
    expect(s.ece.value).toBeCloseTo(0.33, 12);
    expect(s.mean_confidence.value).toBeCloseTo(0.855, 12);
    expect(s.overconfidence.value).toBeCloseTo(0.105, 12);
    // the base of every figure is the answered reviews
    expect(u.accuracy.basis).toMatchObject({ reviews: 4, evaluators: 2, tasks: 4 });
  });

  it('gives the reliability bins 50–59 … 90–100 with counts, mean confidence and accuracy', () => {
    expect(s.reliability.map((b) => b.bin)).toEqual(['50–59', '60–69', '70–79', '80–89', '90–100']);
    expect(s.reliability.map((b) => b.reviews)).toEqual([1, 0, 0, 0, 3]);
    const top = s.reliability[4]!;
    expect(top.mean_confidence).toBeCloseTo(2.87 / 3, 12);
    expect(top.accuracy.value).toBeCloseTo(2 / 3, 12);
    expect(s.reliability[1]!.accuracy).toMatchObject({ value: null, reason: 'no answered review in this bin' });
    expect(s.reliability[1]!.mean_confidence).toBeNull();
    expect([50, 59, 60, 89, 90, 99, 100].map(binOf)).toEqual([0, 0, 1, 3, 4, 4, 4]);
  });

  it('compares each condition with the baseline as absolute differences', () => {
    const d = m.uplift['assisted']!.calibration!;
    expect(d.accuracy_diff.value).toBeCloseTo(0.25, 12);
    expect(d.brier_diff.value).toBeCloseTo(0.03785, 12);
    expect(d.mean_confidence_diff.value).toBeCloseTo(0.105, 12);
    expect(d.overconfidence_diff.value).toBeCloseTo(-0.145, 12);
    expect(d.accuracy_diff.basis.reviews).toBe(8);
  });

  it('gives no population interval on 2 evaluators or 4 answered reviews, and says why', () => {
    expect(u.accuracy.ci).toEqual([null, null]);
    expect(u.accuracy.reason).toMatch(/only 4 answered reviews: an interval needs at least 10/);
    const lowered = computeMetrics(handStudy(), { minReviews: 1 }).conditions['unassisted']!.calibration!;
    expect(lowered.accuracy.reason).toMatch(/reviews by 2 evaluators: an interval for evaluators in general needs at least 3/);
  });

  it('with --ci tasks bootstraps the same figures, seeded, with intervals around the estimate', () => {
    const a = computeMetrics(handStudy(), { ci: 'tasks', bootstrap: 400, seed: 3, minReviews: 1 });
    const b = computeMetrics(handStudy(), { ci: 'tasks', bootstrap: 400, seed: 3, minReviews: 1 });
    expect(a.conditions['assisted']!.calibration).toEqual(b.conditions['assisted']!.calibration);
    const f = a.conditions['unassisted']!.calibration!.brier;
    expect(f.basis.resamples).toBeGreaterThan(300);
    expect(f.ci[0]!).toBeLessThanOrEqual(0.225);
    expect(f.ci[1]!).toBeGreaterThanOrEqual(0.225);
    const d = a.uplift['assisted']!.calibration!.accuracy_diff;
    expect(d.ci[0]!).toBeLessThanOrEqual(0.25);
    expect(d.ci[1]!).toBeGreaterThanOrEqual(0.25);
  });
});

describe('the answers table (assay export answers)', () => {
  it('has a row per counted review with its answer, confidence, truth, correctness and bin, and its means are the figures', () => {
    const data = handStudy();
    const t = tidyTable(data, 'answers');
    expect(t.columns).toEqual(['study', 'review', 'task', 'evaluator', 'condition', 'position', 'answer', 'confidence', 'flawed', 'correct', 'bin']);
    expect(t.rows).toHaveLength(9); // 10 reviews, one skipped
    expect(t.rows).toContainEqual(['calib', 'u2', 't3', 'a', 'unassisted', null, true, 60, false, false, '60–69']);
    expect(t.rows).toContainEqual(['calib', 'u5', 't1', 'c', 'unassisted', null, null, null, true, null, null]);
    const m = computeMetrics(data);
    for (const name of ['unassisted', 'assisted']) {
      const answered = t.rows.filter((r) => r[4] === name && r[9] !== null);
      expect(answered.filter((r) => r[9] === true).length / answered.length).toBeCloseTo(m.conditions[name]!.calibration!.accuracy.value!, 12);
    }
  });
});

describe('calibration: off, undefined, refused', () => {
  it('is absent, with the reason, for a study that asks no question', () => {
    const m = computeMetrics(handStudy(null));
    expect(m.calibration).toMatchObject({ question: null, reason: NO_QUESTION });
    expect(m.conditions['unassisted']!.calibration).toBeUndefined();
    expect('calibration' in m.conditions['assisted']!).toBe(false);
    expect(m.uplift['assisted']!.calibration).toBeUndefined();
    expect(JSON.parse(JSON.stringify(m)).conditions.assisted.calibration).toBeUndefined();
  });

  it('without ground truth (no task has a flaw) scores nothing but still gives mean confidence', () => {
    const data = handStudy();
    const m = computeMetrics({ ...data, tasks: data.tasks.map((t) => ({ ...t, flaws: [] })) });
    const u = m.conditions['unassisted']!.calibration!;
    for (const f of [u.accuracy, u.brier, u.ece, u.overconfidence]) {
      expect(f.value).toBeNull();
      expect(f.reason).toMatch(/^no ground truth: none of the study's 4 tasks has a ground-truth flaw/);
    }
    expect(u.mean_confidence.value).toBeCloseTo(0.75, 12);
    expect(m.calibration.reason).toMatch(/^no ground truth/);
    expect(m.warnings.map((w) => w.code)).toContain('calibration-no-ground-truth');
    expect(m.uplift['assisted']!.calibration!.mean_confidence_diff.value).toBeCloseTo(0.105, 12);
    expect(m.uplift['assisted']!.calibration!.accuracy_diff.value).toBeNull();
  });

  it('a condition without answers has null figures with the reason, and its comparisons too', () => {
    const data = handStudy();
    const m = computeMetrics({ ...data, reviews: data.reviews.map((r) => (r.condition === 'assisted' ? { ...r, answer: null, confidence: null } : r)) });
    const s = m.conditions['assisted']!.calibration!;
    expect(s.answered).toBe(0);
    expect(s.unanswered).toBe(4);
    expect(s.accuracy).toMatchObject({ value: null, reason: 'no answered reviews in this condition (4 reviews without an answer)' });
    expect(s.mean_confidence.value).toBeNull();
    expect(m.uplift['assisted']!.calibration!.accuracy_diff).toMatchObject({ value: null, reason: 'assisted: no answered reviews' });
  });

  it('warns when a condition holds only flawed (or only clean) outputs, and when answers are missing', () => {
    const data = handStudy();
    const m = computeMetrics({ ...data, reviews: data.reviews.filter((r) => r.task === 't1' || r.task === 't2') });
    expect(m.warnings.filter((w) => w.code === 'calibration-one-class').map((w) => w.condition)).toEqual(['unassisted', 'assisted']);
    expect(computeMetrics(data).warnings.find((w) => w.code === 'answers-missing')?.condition).toBe('unassisted');
  });

  it('refuses a confidence outside 50–100 or a non-boolean answer, naming the review and field', () => {
    const data = handStudy();
    const bad = (patch: Partial<MetricReview>): StudyData => ({ ...data, reviews: data.reviews.map((r, i) => (i === 2 ? { ...r, ...patch } : r)) });
    expect(() => computeMetrics(bad({ confidence: 120 }))).toThrow(MetricsInputError);
    expect(() => computeMetrics(bad({ confidence: 120 }))).toThrow('reviews[2] (review "u3").confidence: expected a number from 50 to 100 or null, not 120');
    expect(() => computeMetrics(bad({ confidence: 49 }))).toThrow(/confidence/);
    expect(() => computeMetrics(bad({ confidence: Number.NaN }))).toThrow(/confidence/);
    expect(() => computeMetrics(bad({ answer: 'yes' as unknown as boolean }))).toThrow('reviews[2] (review "u3").answer: expected true, false or null');
  });
});

/** A study of random answers: `flawedTasks` of `taskCount` tasks have a flaw. */
const answersArb = fc
  .record({
    taskCount: fc.integer({ min: 2, max: 8 }),
    flawedTasks: fc.integer({ min: 0, max: 8 }),
    reviews: fc.array(
      fc.record({
        task: fc.nat(),
        evaluator: fc.integer({ min: 0, max: 4 }),
        condition: fc.integer({ min: 0, max: 1 }),
        answer: fc.option(fc.boolean(), { freq: 6 }),
        confidence: fc.integer({ min: 50, max: 100 }),
      }),
      { maxLength: 60 },
    ),
  })
  .map(({ taskCount, flawedTasks, reviews }): StudyData => ({
    study: 'prop',
    question: QUESTION,
    conditions: [
      { name: 'none', policy: 'none' },
      { name: 'all', policy: 'all' },
    ],
    tasks: Array.from({ length: taskCount }, (_v, t) => ({
      id: `t${t}`,
      kind: 'summary' as const,
      critiques: [],
      flaws: t < flawedTasks ? [{ id: 'f', anchor: null, severity: null, category: null, critiques: [] }] : [],
    })),
    reviews: reviews.map((r, i) =>
      review({ id: `r${i}`, task: `t${r.task % taskCount}`, evaluator: `e${r.evaluator}`, condition: r.condition === 0 ? 'none' : 'all', answer: r.answer, confidence: r.answer === null ? null : r.confidence }),
    ),
    adjudications: [],
  }));

const inRange = (f: Figure, lo: number, hi: number): void => {
  if (f.value !== null) {
    expect(f.value).toBeGreaterThanOrEqual(lo - 1e-12);
    expect(f.value).toBeLessThanOrEqual(hi + 1e-12);
  }
  if (f.ci[0] !== null) {
    expect(f.ci[0]).toBeLessThanOrEqual(f.ci[1]!);
    expect(f.ci[0]).toBeGreaterThanOrEqual(lo - 1e-12);
    expect(f.ci[1]!).toBeLessThanOrEqual(hi + 1e-12);
  }
  if (f.value === null || f.ci[0] === null) expect(f.reason).not.toBeNull();
};

describe('calibration properties', () => {
  it('accuracy, Brier and ECE lie in [0, 1], mean confidence in [0.5, 1], intervals ordered and inside; ECE ≥ |over-confidence|', () => {
    fc.assert(
      fc.property(answersArb, fc.constantFrom('population' as const, 'tasks' as const), (data, ci) => {
        const m = computeMetrics(data, { ci, bootstrap: 50, minReviews: 2 });
        for (const c of Object.values(m.conditions)) {
          const k = c.calibration!;
          inRange(k.accuracy, 0, 1);
          inRange(k.brier, 0, 1);
          inRange(k.ece, 0, 1);
          inRange(k.mean_confidence, 0.5, 1);
          inRange(k.overconfidence, -0.5, 1);
          for (const b of k.reliability) inRange(b.accuracy, 0, 1);
          expect(k.reliability.reduce((n, b) => n + b.reviews, 0)).toBe(k.answered);
          if (k.ece.value !== null) expect(k.ece.value + 1e-12).toBeGreaterThanOrEqual(Math.abs(k.overconfidence.value!));
          if (k.accuracy.value !== null) expect(k.overconfidence.value!).toBeCloseTo(k.mean_confidence.value! - k.accuracy.value, 12);
        }
        const d = m.uplift['all']!.calibration!;
        inRange(d.accuracy_diff, -1, 1);
        inRange(d.brier_diff, -1, 1);
        inRange(d.mean_confidence_diff, -0.5, 0.5);
        inRange(d.overconfidence_diff, -1.5, 1.5);
      }),
      { numRuns: 150 },
    );
  });

  it('perfect calibration gives ECE 0 and over-confidence 0; certain and always right gives Brier 0', () => {
    // per bin a confidence c of 50, 60, …, 100 and 10·k answers of which exactly c% are right
    const binArb = fc.record({ confidence: fc.constantFrom(50, 60, 70, 80, 90, 100), k: fc.integer({ min: 1, max: 3 }) });
    fc.assert(
      fc.property(fc.array(binArb, { minLength: 1, maxLength: 6 }), fc.infiniteStream(fc.boolean()), (bins, coins) => {
        const reviews: MetricReview[] = [];
        const it = coins[Symbol.iterator]();
        for (const { confidence, k } of bins) {
          const n = 10 * k;
          const right = (n * confidence) / 100;
          for (let j = 0; j < n; j++) {
            const flawedTask = it.next().value as boolean;
            const correct = j < right;
            reviews.push(
              review({ id: `r${reviews.length}`, task: flawedTask ? 'bad' : 'good', evaluator: `e${j % 4}`, condition: 'only', answer: correct === flawedTask, confidence }),
            );
          }
        }
        const data: StudyData = {
          study: 'perfect',
          question: QUESTION,
          conditions: [{ name: 'only', policy: 'none' }],
          tasks: [
            { id: 'bad', kind: 'summary', critiques: [], flaws: [{ id: 'f', anchor: null, severity: null, category: null, critiques: [] }] },
            { id: 'good', kind: 'summary', critiques: [], flaws: [] },
          ],
          reviews,
          adjudications: [],
        };
        const k = computeMetrics(data).conditions['only']!.calibration!;
        expect(k.ece.value).toBeCloseTo(0, 12);
        expect(k.overconfidence.value).toBeCloseTo(0, 12);
        if (bins.every((b) => b.confidence === 100)) expect(k.brier.value).toBe(0);
      }),
      { numRuns: 100 },
    );
    expect(CALIBRATION_BINS).toHaveLength(5);
  });
});
