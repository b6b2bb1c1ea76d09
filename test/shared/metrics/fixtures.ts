import fc from 'fast-check';
import type { MetricAnchor, MetricReview, MetricTask, StudyData } from '../../../shared/metrics/types.js';

/** A text anchor over code points [start, end) on line 1. */
export function span(start: number, end: number): MetricAnchor {
  return { start, end, lines: [1, 1], side: 'output' };
}

/** A review with defaults for the fields a test does not care about. */
export function review(partial: Partial<MetricReview> & Pick<MetricReview, 'id' | 'task' | 'evaluator' | 'condition'>): MetricReview {
  return {
    shown: [],
    decisions: [],
    added: [],
    rating: null,
    activeSeconds: null,
    position: null,
    skipped: false,
    submitted: true,
    ...partial,
  };
}

/**
 * A small study computed by hand in metrics.test.ts: two conditions, three tasks, seven reviews
 * (one skipped).
 */
export function handStudy(): StudyData {
  const tasks: MetricTask[] = [
    {
      id: 't1',
      kind: 'summary',
      critiques: [
        { id: 'c1', valid: true },
        { id: 'c2', valid: false },
        { id: 'c3', valid: true },
      ],
      flaws: [
        { id: 'f1', anchor: span(4, 7), severity: 'major', category: 'accuracy', critiques: ['c1'] },
        { id: 'f2', anchor: span(15, 18), severity: 'minor', category: 'coverage', critiques: [] },
      ],
    },
    { id: 't2', kind: 'summary', critiques: [{ id: 'c1', valid: true }], flaws: [{ id: 'f1', anchor: null, severity: 'major', category: 'accuracy', critiques: ['c1'] }] },
    { id: 't3', kind: 'summary', critiques: [{ id: 'c1', valid: false }], flaws: [] },
  ];
  const reviews: MetricReview[] = [
    review({ id: 'r1', task: 't1', evaluator: 'a', condition: 'unassisted', added: [{ id: 'a1', anchor: span(5, 6) }], rating: 3, activeSeconds: 100, position: 1 }),
    review({
      id: 'r2',
      task: 't1',
      evaluator: 'b',
      condition: 'assisted',
      shown: ['c1', 'c2', 'c3'],
      decisions: [
        { critique: 'c1', verdict: 'accept' },
        { critique: 'c2', verdict: 'accept' },
        { critique: 'c3', verdict: 'reject', reason: 'nitpick' },
      ],
      added: [{ id: 'a1', anchor: span(16, 17) }],
      rating: 2,
      activeSeconds: 200,
      position: 1,
    }),
    review({ id: 'r3', task: 't2', evaluator: 'a', condition: 'assisted', shown: ['c1'], decisions: [{ critique: 'c1', verdict: 'accept', edited: true }], rating: 4, activeSeconds: 50, position: 2 }),
    review({ id: 'r4', task: 't2', evaluator: 'b', condition: 'unassisted', rating: 5, activeSeconds: 60, position: 2 }),
    review({ id: 'r5', task: 't3', evaluator: 'a', condition: 'unassisted', added: [{ id: 'a1', anchor: null }], rating: 6, activeSeconds: 30, position: 3 }),
    review({ id: 'r6', task: 't3', evaluator: 'b', condition: 'assisted', shown: ['c1'], rating: 6, activeSeconds: 40, position: 3 }),
    review({ id: 'r7', task: 't3', evaluator: 'c', condition: 'assisted', shown: ['c1'], decisions: [{ critique: 'c1', verdict: 'accept' }], skipped: true }),
  ];
  return {
    study: 'hand',
    conditions: [
      { name: 'unassisted', policy: 'none' },
      { name: 'assisted', policy: 'all' },
    ],
    tasks,
    reviews,
    adjudications: [],
  };
}

const TEXT_LENGTH = 40;

const anchorArb = fc
  .tuple(fc.integer({ min: 0, max: TEXT_LENGTH - 1 }), fc.integer({ min: 1, max: 8 }))
  .map(([s, len]) => span(s, Math.min(TEXT_LENGTH, s + len)));

/** Random studies: tasks with critiques and flaws, reviews by up to four evaluators in the given conditions. */
export function studyArb(conditions: readonly string[] = ['none', 'assisted']): fc.Arbitrary<StudyData> {
  const taskArb = (i: number) =>
    fc
      .record({
        critiques: fc.array(fc.option(fc.boolean(), { nil: null }), { maxLength: 4 }),
        flaws: fc.array(fc.record({ anchor: fc.option(anchorArb, { nil: null }), refs: fc.array(fc.nat(3), { maxLength: 2 }), severity: fc.constantFrom('minor', 'major', null) }), {
          maxLength: 3,
        }),
      })
      .map(
        ({ critiques, flaws }): MetricTask => ({
          id: `t${i}`,
          kind: 'summary',
          critiques: critiques.map((valid, j) => ({ id: `c${j}`, valid })),
          flaws: flaws.map((f, j) => ({
            id: `f${j}`,
            anchor: f.anchor,
            severity: f.severity,
            category: null,
            critiques: f.refs.filter((r) => r < critiques.length).map((r) => `c${r}`),
          })),
        }),
      );
  return fc.integer({ min: 1, max: 6 }).chain((nTasks) =>
    fc.tuple(...Array.from({ length: nTasks }, (_, i) => taskArb(i))).chain((tasks) => {
      const reviewArbs = tasks.map((task) =>
        fc.array(
          fc.record({
            evaluator: fc.constantFrom('a', 'b', 'c', 'd'),
            condition: fc.constantFrom(...conditions),
            verdicts: fc.array(fc.constantFrom('accept', 'reject', 'none'), { minLength: task.critiques.length, maxLength: task.critiques.length }),
            added: fc.array(fc.option(anchorArb, { nil: null }), { maxLength: 2 }),
            rating: fc.option(fc.integer({ min: 1, max: 7 }), { nil: null }),
            active: fc.option(fc.integer({ min: 1, max: 600 }), { nil: null }),
            position: fc.integer({ min: 1, max: 5 }),
          }),
          { minLength: 1, maxLength: 4 },
        ),
      );
      return fc.tuple(...reviewArbs).map((perTask): StudyData => {
        const reviews: MetricReview[] = [];
        perTask.forEach((list, ti) => {
          const task = tasks[ti]!;
          list.forEach((r, ri) => {
            const shown = r.condition === 'none' ? [] : task.critiques.map((c) => c.id);
            reviews.push(
              review({
                id: `${task.id}-r${ri}`,
                task: task.id,
                evaluator: r.evaluator,
                condition: r.condition,
                shown,
                decisions: shown.flatMap((id, j) => (r.verdicts[j] === 'none' ? [] : [{ critique: id, verdict: r.verdicts[j] as 'accept' | 'reject' }])),
                added: r.added.map((anchor, j) => ({ id: `a${j}`, anchor })),
                rating: r.rating,
                activeSeconds: r.active,
                position: r.position,
              }),
            );
          });
        });
        return { study: 'random', conditions: conditions.map((name, i) => ({ name, policy: i === 0 ? 'none' : 'all' })), tasks, reviews, adjudications: [] };
      });
    }),
  );
}
