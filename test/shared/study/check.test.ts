import { describe, expect, it } from 'vitest';
import { checkStudy, powerHazard, type CheckTask } from '../../../shared/study/check.js';

const crit = (id: string, extra: { score?: number; valid?: boolean } = {}) => ({ id, ...extra });
const design = (conditions: string, evaluators = 6, overlap = 2) => ({
  conditions: conditions.split(',').map((c) => ({ name: c.split(':')[0]!, policy: c.split(':')[1]! })),
  evaluators,
  overlap,
});

// Four tasks written for this test:
// t1: critiques k1 (score .9, valid), k2 (no score, decoy), k3 (no score); flaw f1 anchored, f2 linked to k3, f3 neither
// t2: critiques k1 (valid, score .5); flaw f1 neither
// t3: no critiques; flaw f1 anchored
// t4: critique k1 (decoy); no flaws
const tasks: CheckTask[] = [
  {
    id: 't1',
    critiques: [crit('k1', { score: 0.9, valid: true }), crit('k2', { valid: false }), crit('k3')],
    flaws: [
      { id: 'f1', anchored: true, critiques: [] },
      { id: 'f2', anchored: false, critiques: ['k3'] },
      { id: 'f3', anchored: false, critiques: [] },
    ],
  },
  { id: 't2', critiques: [crit('k1', { score: 0.5, valid: true })], flaws: [{ id: 'f1', anchored: false, critiques: [] }] },
  { id: 't3', critiques: [], flaws: [{ id: 'f1', anchored: true, critiques: [] }] },
  { id: 't4', critiques: [crit('k1', { valid: false })], flaws: [] },
];

describe('checkStudy on hand-made tasks', () => {
  const check = checkStudy(design('un:none,all:all,top:top-1,valid:valid-only'), tasks);
  const find = (code: string, condition: string | null = null) => check.hazards.find((h) => h.code === code && h.condition === condition);

  it('counts flaws matchable only by hand, per condition (anchor, or a shown critique that describes it)', () => {
    // un: f2 (its critique is not shown), f3, t2/f1 → 3 of 5; all: f3, t2/f1 → 2; top-1: t1 shows k1 only → f2, f3, t2/f1 → 3
    expect(find('flaws-hand-only', 'un')!.count).toBe(3);
    expect(find('flaws-hand-only', 'all')!.count).toBe(2);
    expect(find('flaws-hand-only', 'top')!.count).toBe(3);
    expect(find('flaws-hand-only', 'un')!.message).toMatch(/un: 3 of 5 ground-truth flaws/);
    expect(check.flaws).toBe(5);
  });

  it('says agreement is impossible when no task is reviewed twice under one condition', () => {
    expect(find('agreement-impossible')).toMatchObject({ count: 4, action: expect.stringMatching(/overlap to 8/) });
    expect(checkStudy(design('un:none,all:all', 6, 3), tasks).hazards.find((h) => h.code === 'agreement-partial')).toBeDefined();
    expect(checkStudy(design('un:none,all:all', 6, 4), tasks).hazards.some((h) => h.code.startsWith('agreement'))).toBe(false);
  });

  it('finds assisted conditions that show nothing on some tasks, and says the review screen gives it away', () => {
    // t3 has no critiques (all, top-1, valid-only); valid-only also hides t4's only critique (a decoy)
    expect(find('assisted-empty-on-tasks', 'all')!.count).toBe(1);
    expect(find('assisted-empty-on-tasks', 'valid')!.count).toBe(2);
    expect(find('assisted-empty-on-tasks', 'all')!.message).toMatch(/The model wrote no critiques/);
    expect(check.refused).toBe(false);
  });

  it('flags top-K that falls back to file order when scores are missing', () => {
    // t1 has 3 critiques > K = 1 and two lack a score; t2 and t4 have one critique; t3 none
    expect(find('top-k-unscored', 'top')!.count).toBe(1);
  });

  it('says which over-reliance figures a condition cannot produce', () => {
    // valid-only never shows a decoy
    expect(find('no-decoys', 'valid')).toMatchObject({ count: 4 });
    expect(find('no-decoys', 'all')).toBeUndefined();
  });

  it('finds conditions that show the same critiques on some tasks', () => {
    // all vs valid-only: same on t2 (k1) and t3 (nothing); all vs top-1: t2, t3, t4
    expect(find('conditions-identical-on-tasks', 'all/valid')!.count).toBe(2);
    expect(find('conditions-identical-on-tasks', 'all/top')!.count).toBe(3);
  });

  it('refuses (error) an assisted condition that shows nothing on every task', () => {
    const c = checkStudy(design('un:none,valid:valid-only'), [tasks[2]!, tasks[3]!]);
    expect(c.refused).toBe(true);
    expect(c.hazards.find((h) => h.severity === 'error')).toMatchObject({ code: 'assisted-shows-nothing', condition: 'valid', count: 2 });
  });

  it('warns about too few evaluators for population intervals and about no flaws at all', () => {
    const c = checkStudy(design('un:none,all:all', 2, 2), [tasks[3]!]);
    expect(c.hazards.map((h) => h.code)).toEqual(expect.arrayContaining(['no-flaws', 'too-few-evaluators']));
  });
});

describe('powerHazard', () => {
  it('warns when the design is too small to detect a 50% uplift, and not when it is large enough', () => {
    const small = powerHazard(design('un:none,as:all', 4, 2), Array.from({ length: 20 }, () => 1));
    expect(small).toMatchObject({ code: 'too-small', severity: 'warning', condition: 'as' });
    expect(small!.count).toBeLessThan(80);
    expect(powerHazard(design('un:none,as:all', 12, 2), Array.from({ length: 2000 }, () => 3), 1.0)).toBeNull();
    expect(powerHazard(design('a:all,b:all', 4, 2), [1, 2, 3])).toBeNull(); // no baseline: nothing to simulate
  });
});
