import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AssignmentError, assignStudy, neutralLabel, type Assignment, type AssignmentRequest } from '../../../shared/study/assign.js';

/** Random study sizes: tasks 1..60, evaluators 1..12, conditions 1..4, overlap 1..evaluators. */
const requests: fc.Arbitrary<AssignmentRequest> = fc
  .record({
    T: fc.integer({ min: 1, max: 60 }),
    E: fc.integer({ min: 1, max: 12 }),
    C: fc.integer({ min: 1, max: 4 }),
    seed: fc.integer({ min: 0, max: 0xffff_ffff }),
  })
  .chain(({ T, E, C, seed }) =>
    fc.integer({ min: 1, max: E }).map((overlap) => ({
      tasks: Array.from({ length: T }, (_, i) => `task-${i}`),
      evaluators: Array.from({ length: E }, (_, i) => `ev${i}`),
      conditions: Array.from({ length: C }, (_, i) => `cond${i}`),
      overlap,
      seed,
    })),
  );

function groupBy<K>(items: readonly Assignment[], key: (a: Assignment) => K): Map<K, Assignment[]> {
  const m = new Map<K, Assignment[]>();
  for (const a of items) m.set(key(a), [...(m.get(key(a)) ?? []), a]);
  return m;
}

function counts(items: readonly Assignment[], conditions: readonly string[]): number[] {
  return conditions.map((c) => items.filter((a) => a.condition === c).length);
}

const runs = { numRuns: 300 };

describe('assignStudy (property tests over random sizes)', () => {
  it('reviews every task by exactly n distinct evaluators; nobody sees a task twice', () => {
    fc.assert(
      fc.property(requests, (req) => {
        const out = assignStudy(req);
        expect(out.length).toBe(req.tasks.length * req.overlap);
        const byTask = groupBy(out, (a) => a.task);
        expect([...byTask.keys()].sort()).toEqual([...req.tasks].sort());
        for (const items of byTask.values()) {
          expect(items.length).toBe(req.overlap);
          expect(new Set(items.map((a) => a.evaluator)).size).toBe(req.overlap);
        }
        expect(new Set(out.map((a) => `${a.evaluator}\u0000${a.task}`)).size).toBe(out.length);
        for (const a of out) {
          expect(req.evaluators).toContain(a.evaluator);
          expect(req.conditions).toContain(a.condition);
        }
      }),
      runs,
    );
  });

  it("balances each task's conditions: each ⌊n/C⌋ or ⌈n/C⌉ times", () => {
    fc.assert(
      fc.property(requests, (req) => {
        const C = req.conditions.length;
        const lo = Math.floor(req.overlap / C);
        const hi = Math.ceil(req.overlap / C);
        for (const items of groupBy(assignStudy(req), (a) => a.task).values()) {
          for (const k of counts(items, req.conditions)) expect(k === lo || k === hi, `count ${k} not in {${lo}, ${hi}}`).toBe(true);
        }
      }),
      runs,
    );
  });

  it('balances loads: every evaluator has ⌊Tn/E⌋ or ⌈Tn/E⌉ items', () => {
    fc.assert(
      fc.property(requests, (req) => {
        const total = req.tasks.length * req.overlap;
        const lo = Math.floor(total / req.evaluators.length);
        const hi = Math.ceil(total / req.evaluators.length);
        const byEvaluator = groupBy(assignStudy(req), (a) => a.evaluator);
        for (const e of req.evaluators) {
          const load = byEvaluator.get(e)?.length ?? 0;
          expect(load === lo || load === hi, `${e}: load ${load} not in {${lo}, ${hi}}`).toBe(true);
        }
      }),
      runs,
    );
  });

  it("balances each evaluator's queue over conditions (±1) in every prefix, so conditions interleave", () => {
    fc.assert(
      fc.property(requests, (req) => {
        for (const items of groupBy(assignStudy(req), (a) => a.evaluator).values()) {
          const queue = [...items].sort((a, b) => a.position - b.position);
          expect(queue.map((a) => a.position)).toEqual(queue.map((_, i) => i + 1));
          for (let p = 1; p <= queue.length; p++) {
            const c = counts(queue.slice(0, p), req.conditions);
            expect(Math.max(...c) - Math.min(...c), `prefix ${p}: ${c.join(',')}`).toBeLessThanOrEqual(1);
          }
        }
      }),
      runs,
    );
  });

  it('gives each evaluator a one-to-one mapping of neutral labels to conditions', () => {
    fc.assert(
      fc.property(requests, (req) => {
        const allowed = req.conditions.map((_, i) => neutralLabel(i));
        for (const items of groupBy(assignStudy(req), (a) => a.evaluator).values()) {
          const labelOf = new Map<string, string>();
          const conditionOf = new Map<string, string>();
          for (const a of items) {
            expect(allowed).toContain(a.label);
            expect(labelOf.get(a.condition) ?? a.label).toBe(a.label);
            expect(conditionOf.get(a.label) ?? a.condition).toBe(a.condition);
            labelOf.set(a.condition, a.label);
            conditionOf.set(a.label, a.condition);
          }
        }
      }),
      runs,
    );
  });

  it('is deterministic for a seed', () => {
    fc.assert(
      fc.property(requests, (req) => {
        expect(assignStudy(req)).toEqual(assignStudy({ ...req, tasks: [...req.tasks], evaluators: [...req.evaluators] }));
      }),
      { numRuns: 100 },
    );
  });

  it('rejects every overlap above the number of evaluators, naming the rule', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 5 }), (E, extra) => {
        const req = {
          tasks: ['t1', 't2'],
          evaluators: Array.from({ length: E }, (_, i) => `e${i}`),
          conditions: ['a', 'b'],
          overlap: E + extra,
          seed: 1,
        };
        expect(() => assignStudy(req)).toThrow(AssignmentError);
        expect(() => assignStudy(req)).toThrow(`overlap ${E + extra} is impossible with ${E} evaluator(s)`);
      }),
    );
  });
});

describe('assignStudy (examples)', () => {
  const base: AssignmentRequest = {
    tasks: ['t1', 't2', 't3', 't4', 't5', 't6'],
    evaluators: ['a', 'b', 'c'],
    conditions: ['unassisted', 'assisted', 'top3'],
    overlap: 2,
    seed: 7,
  };

  it('changes with the seed', () => {
    const key = (out: Assignment[]): string => JSON.stringify(out);
    const seen = new Set([0, 1, 2, 3, 4, 5, 6, 7].map((seed) => key(assignStudy({ ...base, seed }))));
    expect(seen.size).toBeGreaterThan(1);
  });

  it.each([
    [{ tasks: [] }, 'at least one task'],
    [{ evaluators: [] }, 'at least one evaluator'],
    [{ conditions: [] }, 'at least one condition'],
    [{ overlap: 0 }, 'overlap must be a whole number ≥ 1'],
    [{ overlap: 1.5 }, 'overlap must be a whole number ≥ 1'],
    [{ overlap: 4 }, 'overlap 4 is impossible with 3 evaluator(s)'],
    [{ evaluators: ['a', 'b', 'a'] }, 'evaluators: "a" is listed twice'],
    [{ conditions: ['x', 'x'] }, 'conditions: "x" is listed twice'],
    [{ tasks: ['t1', 't1'] }, 'tasks: "t1" is listed twice'],
    [{ seed: -1 }, 'seed must be a whole number'],
  ] as const)('rejects %o', (change, message) => {
    expect(() => assignStudy({ ...base, ...change })).toThrow(message);
  });

  it('labels conditions neutrally', () => {
    expect([0, 1, 25, 26, 27].map(neutralLabel)).toEqual(['Set A', 'Set B', 'Set Z', 'Set AA', 'Set AB']);
  });
});
