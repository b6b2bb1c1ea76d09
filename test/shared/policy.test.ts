import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatPolicy, parsePolicy, selectShownCritiques } from '../../shared/policy.js';

const critiques = [
  { id: 'a', score: 0.2, valid: true },
  { id: 'b', score: 0.9, valid: false },
  { id: 'c' },
  { id: 'd', score: 0.9 },
  { id: 'e', score: 0.5, valid: true },
];
const ids = (cs: readonly { id: string }[]): string[] => cs.map((c) => c.id);

describe('parsePolicy', () => {
  it('parses the four forms and round-trips through formatPolicy', () => {
    for (const t of ['none', 'all', 'top-1', 'top-12', 'valid-only']) expect(formatPolicy(parsePolicy(t))).toBe(t);
    expect(parsePolicy(' top-3 ')).toEqual({ kind: 'top', k: 3 });
  });
  it('refuses anything else, naming the text', () => {
    for (const t of ['', 'top-0', 'top-', 'top-x', 'ALL', 'some', 'top--1']) expect(() => parsePolicy(t)).toThrow(/Unknown critique policy/);
  });
});

describe('selectShownCritiques', () => {
  it('none shows nothing, all shows everything in task order', () => {
    expect(selectShownCritiques(critiques, { kind: 'none' })).toEqual([]);
    expect(ids(selectShownCritiques(critiques, { kind: 'all' }))).toEqual(['a', 'b', 'c', 'd', 'e']);
  });
  it('valid-only drops only critiques marked valid: false', () => {
    expect(ids(selectShownCritiques(critiques, parsePolicy('valid-only')))).toEqual(['a', 'c', 'd', 'e']);
  });
  it('top-K keeps the K best scores, ties in task order, unscored last, result in task order', () => {
    expect(ids(selectShownCritiques(critiques, parsePolicy('top-1')))).toEqual(['b']);
    expect(ids(selectShownCritiques(critiques, parsePolicy('top-2')))).toEqual(['b', 'd']);
    expect(ids(selectShownCritiques(critiques, parsePolicy('top-3')))).toEqual(['b', 'd', 'e']);
    expect(ids(selectShownCritiques(critiques, parsePolicy('top-5')))).toEqual(['a', 'b', 'c', 'd', 'e']);
    expect(ids(selectShownCritiques(critiques, parsePolicy('top-4')))).toEqual(['a', 'b', 'd', 'e']);
    expect(ids(selectShownCritiques(critiques, parsePolicy('top-99')))).toHaveLength(5);
  });

  it('top-K: min(K, n) critiques, a subsequence, and no shown score below a hidden one', () => {
    const critique = fc.record({ score: fc.option(fc.integer({ min: -5, max: 5 }), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(critique, { maxLength: 30 }), fc.integer({ min: 1, max: 40 }), (raw, k) => {
        const cs = raw.map((c, i) => ({ id: `c${i}`, ...c }));
        const shown = selectShownCritiques(cs, { kind: 'top', k });
        expect(shown).toHaveLength(Math.min(k, cs.length));
        const positions = shown.map((c) => cs.indexOf(c));
        expect(positions).toEqual([...positions].sort((a, b) => a - b));
        const hidden = cs.filter((c) => !shown.includes(c));
        const rank = (c: (typeof cs)[number]): number => (c.score === undefined ? -Infinity : c.score);
        for (const h of hidden) for (const s of shown) expect(rank(s)).toBeGreaterThanOrEqual(rank(h));
        // ties are broken by task order: a hidden critique never precedes a shown one of equal rank
        for (const h of hidden) for (const s of shown) if (rank(s) === rank(h)) expect(cs.indexOf(s)).toBeLessThan(cs.indexOf(h));
      }),
    );
  });
});
