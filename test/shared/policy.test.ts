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

describe('critic policies (critic=NAME+…)', () => {
  const r = (start: number, end: number): { start: number; end: number; lines: [number, number]; side: 'output' } => ({ start, end, lines: [1, 1], side: 'output' });
  // two samples of critic "g", one critique of another critic, one imported critique
  const cs = [
    { id: 'imp', score: 0.99 },
    { id: 'g0a', critic: 'g', sample: 0, score: 0.9, range: r(0, 5) },
    { id: 'g0b', critic: 'g', sample: 0, score: 0.4, hallucinated: true, range: null },
    { id: 'g1a', critic: 'g', sample: 1, score: 0.8, range: r(3, 8) }, // overlaps g0a: the same place again
    { id: 'g1b', critic: 'g', sample: 1, score: 0.7, range: r(20, 25) },
    { id: 'g1c', critic: 'g', sample: 1, score: 0.2, range: null },
    { id: 'h0a', critic: 'h', sample: 0, score: 1, range: r(40, 45) },
  ];
  const sel = (policy: string, samples?: number[]): string[] => ids(selectShownCritiques(cs, parsePolicy(policy), samples ? { samples } : {}));

  it('parse and format round-trip; the canonical form orders the modifiers', () => {
    expect(parsePolicy('critic=g')).toEqual({ kind: 'critic', critic: 'g', anchored: false, pick: null, min: null, top: null });
    expect(formatPolicy(parsePolicy('critic=g+top-3+anchored+min-0.50'))).toBe('critic=g+anchored+min-0.5+top-3');
    expect(formatPolicy(parsePolicy('critic=gpt-4o.mini+lambda-0.25+top-2'))).toBe('critic=gpt-4o.mini+lambda-0.25+top-2');
    expect(formatPolicy(parsePolicy('critic=g+sample-3'))).toBe('critic=g+sample-3');
  });

  it('refuses bad critic policies, naming the text and the part', () => {
    const bad: [string, RegExp][] = [
      ['critic=', /critic name/],
      ['critic=a,b', /critic name/],
      ['critic=a:b', /critic name/],
      ['critic=g+top-0', /top-K needs K ≥ 1/],
      ['critic=g+sample-1+lambda-1', /one of sample-N and lambda-X/],
      ['critic=g+min-1e-3', /min-T must be a number/],
      ['critic=g+min--1', /min-T must be a number/],
      ['critic=g+top-2+top-3', /"top" appears twice/],
      ['critic=g+fancy', /unknown part "fancy"/],
    ];
    for (const [t, why] of bad) expect(() => parsePolicy(t), t).toThrow(why);
  });

  it('property: every policy round-trips and none holds "," or ":" (which --conditions splits on)', () => {
    const name = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,20}$/);
    const dec = fc.tuple(fc.integer({ min: 0, max: 999_999 }), fc.integer({ min: 0, max: 999_999 })).map(([a, b]) => Number(`${a}.${String(b).padStart(6, '0')}`));
    const policy = fc.oneof(
      fc.constant({ kind: 'none' as const }),
      fc.constant({ kind: 'all' as const }),
      fc.constant({ kind: 'valid-only' as const }),
      fc.integer({ min: 1, max: 999_999 }).map((k) => ({ kind: 'top' as const, k })),
      fc.record({
        kind: fc.constant('critic' as const),
        critic: name,
        anchored: fc.boolean(),
        pick: fc.option(fc.oneof(fc.integer({ min: 0, max: 9999 }).map((sample) => ({ kind: 'sample' as const, sample })), dec.map((lambda) => ({ kind: 'lambda' as const, lambda }))), { nil: null }),
        min: fc.option(dec, { nil: null }),
        top: fc.option(fc.integer({ min: 1, max: 999_999 }), { nil: null }),
      }),
    );
    fc.assert(
      fc.property(policy, (p) => {
        const text = formatPolicy(p);
        expect(text).not.toMatch(/[,:]/);
        expect(parsePolicy(text)).toEqual(p);
        expect(formatPolicy(parsePolicy(text))).toBe(text);
      }),
      { numRuns: 2000 },
    );
  });

  it("today's policies are unchanged: they see every critique, generated ones included, in task order", () => {
    expect(sel('all')).toEqual(['imp', 'g0a', 'g0b', 'g1a', 'g1b', 'g1c', 'h0a']);
    expect(sel('top-2')).toEqual(['imp', 'h0a']);
  });

  it('selects one critic; anchored drops hallucinated anchors; pooled samples drop a place pointed out again', () => {
    expect(sel('critic=g')).toEqual(['g0a', 'g0b', 'g1b', 'g1c']);
    expect(sel('critic=g+anchored')).toEqual(['g0a', 'g1b', 'g1c']);
    expect(sel('critic=h')).toEqual(['h0a']);
    expect(sel('critic=nobody')).toEqual([]);
  });

  it('sample-N, min-T and top-K', () => {
    expect(sel('critic=g+sample-1')).toEqual(['g1a', 'g1b', 'g1c']);
    expect(sel('critic=g+min-0.7')).toEqual(['g0a', 'g1b']);
    expect(sel('critic=g+top-2')).toEqual(['g0a', 'g1b']);
    expect(sel('critic=g+sample-1+top-1')).toEqual(['g1a']);
  });

  it('lambda-X picks the list of highest mean score + λ · anchored critiques (ties to the lower sample)', () => {
    // sample 0: mean 0.65, 1 anchored; sample 1: mean 0.5667, 2 anchored
    expect(sel('critic=g+lambda-0')).toEqual(['g0a', 'g0b']);
    expect(sel('critic=g+lambda-0.1')).toEqual(['g1a', 'g1b', 'g1c']);
    expect(sel('critic=g+anchored+lambda-0')).toEqual(['g0a']);
    // an empty sample (stored, no critiques) is a candidate worth 0: it wins when every list is worse
    const low = [{ id: 'x', critic: 'g', sample: 0, score: 0, range: null }];
    expect(ids(selectShownCritiques(low, parsePolicy('critic=g+lambda-0'), { samples: [1, 0] }))).toEqual(['x']); // tie at 0: the lower sample
    expect(ids(selectShownCritiques(low, parsePolicy('critic=g+lambda-0+min-0.1'), { samples: [0, 1] }))).toEqual([]);
  });
});
