import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveAnchor } from '../../../shared/anchors.js';
import type { ModelCritique } from '../../../shared/critic/answer.js';
import { anchorForRange, checkCritique, findQuote, isHallucinated } from '../../../shared/critic/resolve.js';

const critique = (over: Partial<ModelCritique>): ModelCritique => ({ text: 't', severity: null, category: null, confidence: 0.5, quote: null, lines: null, evidence: null, ...over });
const output = 'The council closed the bridge for a year. The council said sorry.\nSecond line 🎉 here.';

describe('checking a model critique against the text', () => {
  it('anchors a quote the output holds, and no other', () => {
    const c = checkCritique(critique({ quote: 'for a year' }), { kind: 'summary', output });
    expect(c.anchor).toEqual({ quote: 'for a year' });
    expect(c.unverifiedQuote).toBeNull();
    expect(output.slice(c.resolved!.start16, c.resolved!.end16)).toBe('for a year');
    expect(isHallucinated(c)).toBe(false);
  });

  it('keeps a critique whose quote is not in the text without an anchor, with the claimed quote in unverified_quote', () => {
    const c = checkCritique(critique({ quote: 'for two years' }), { kind: 'summary', output });
    expect(c.anchor).toBeNull();
    expect(c.resolved).toBeNull();
    expect(c.unverifiedQuote).toBe('for two years');
    expect(isHallucinated(c)).toBe(true);
  });

  it('finds a quote re-wrapped by the model (whitespace differs) and anchors the text as it is', () => {
    const c = checkCritique(critique({ quote: 'said  sorry.   Second line' }), { kind: 'summary', output });
    expect(c.anchor).toEqual({ quote: 'said sorry.\nSecond line' });
  });

  it('a quote found several times gets a prefix that picks the first occurrence', () => {
    const c = checkCritique(critique({ quote: 'The council' }), { kind: 'summary', output });
    const r = resolveAnchor(c.anchor!, output);
    expect(r).toMatchObject({ ok: true, value: { start16: 0 } });
    const second = anchorForRange(output, output.indexOf('The council', 1), output.indexOf('The council', 1) + 11);
    expect(resolveAnchor(second, output)).toMatchObject({ ok: true, value: { start16: output.indexOf('The council', 1) } });
  });

  it('code: lines in range become a lines anchor; lines past the end are a hallucinated anchor', () => {
    const code = 'def f(xs):\n    s = 0\n    for x in xs[1:]:\n        s += x\n    return s\n';
    expect(checkCritique(critique({ lines: [3, 3] }), { kind: 'code', output: code }).anchor).toEqual({ lines: [3, 3] });
    const past = checkCritique(critique({ lines: [9, 12] }), { kind: 'code', output: code });
    expect(past).toMatchObject({ anchor: null, unverifiedLines: [9, 12] });
    expect(isHallucinated(past)).toBe(true);
    expect(checkCritique(critique({ lines: [3, 2] }), { kind: 'code', output: code }).unverifiedLines).toEqual([3, 2]);
    // a quote of deleted code in a diff points into base
    const base = 'def f(xs):\n    return sum(xs)\n';
    expect(checkCritique(critique({ quote: 'return sum(xs)' }), { kind: 'code', output: code, base }).anchor).toEqual({ lines: [2, 2], side: 'base' });
  });

  it('evidence quotes must be in the source document; the others are kept apart as unverified', () => {
    const document = 'The council voted to close the footbridge for six months.';
    const c = checkCritique(critique({ quote: 'for a year', evidence: ['for six months', 'for nine weeks', ' '] }), { kind: 'summary', output, document });
    expect(c.evidence.map((e) => e.anchor)).toEqual([{ quote: 'for six months' }]);
    expect(c.unverifiedEvidence).toEqual(['for nine weeks']);
    expect(checkCritique(critique({ evidence: ['x'] }), { kind: 'summary', output }).unverifiedEvidence).toEqual(['x']);
  });

  it('property: an anchor it returns always resolves, to text equal to the quote up to whitespace; a quote not in the text never gets one', () => {
    const text = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\n', 'é', '🎉', 'x'), maxLength: 60 });
    fc.assert(
      fc.property(text, text, (out, quote) => {
        const c = checkCritique(critique({ quote }), { kind: 'summary', output: out });
        const norm = (s: string): string => s.trim().split(/\s+/).join(' ');
        if (c.anchor) {
          const r = resolveAnchor(c.anchor, out);
          expect(r.ok).toBe(true);
          if (r.ok) expect(norm(out.slice(r.value.start16, r.value.end16))).toBe(norm(quote));
          expect(c.unverifiedQuote).toBeNull();
        } else if (quote.trim() !== '') {
          expect(c.unverifiedQuote).toBe(quote);
          expect(findQuote(out, quote)).toBeNull();
        }
      }),
      { numRuns: 1000 },
    );
  });
});
