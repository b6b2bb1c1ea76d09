import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { addAlphaUnit, alphaFromSums, emptyAlphaSums, krippendorffAlpha } from '../../../shared/metrics/krippendorff.js';

// Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section C: 4 observers
// (A–D) × 12 units, with missing values; published alphas: nominal 0.743, interval 0.849.
const _ = null;
const observers = [
  [1, 2, 3, 3, 2, 1, 4, 1, 2, _, _, _],
  [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, _, 3],
  [_, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, _],
  [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, _],
];
const units = observers[0]!.map((_v, u) => observers.map((o) => o[u]!));

describe("Krippendorff's alpha", () => {
  it("reproduces Krippendorff's (2011) nominal example: 0.743", () => {
    expect(krippendorffAlpha(units, 'nominal')).toBeCloseTo(0.743, 3);
  });

  it("reproduces Krippendorff's (2011) interval example: 0.849", () => {
    expect(krippendorffAlpha(units, 'interval')).toBeCloseTo(0.849, 3);
  });

  it("reproduces Krippendorff's (2011) binary example (2 observers × 10 units): 0.095", () => {
    const a = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0];
    const b = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0];
    const binary = a.map((v, u) => [v, b[u]!]);
    expect(krippendorffAlpha(binary, 'nominal')).toBeCloseTo(0.095, 3);
    // by hand: n = 20, n₀ = 14, n₁ = 6, four disagreeing units → α = 1 − 19 · 8 / (2 · 14 · 6)
    expect(krippendorffAlpha(binary, 'nominal')).toBeCloseTo(1 - (19 * 8) / 168, 12);
  });

  it('is 1 for perfect agreement and undefined without variation or pairable values', () => {
    expect(krippendorffAlpha([[1, 1], [2, 2, 2], [1, null]], 'nominal')).toBe(1);
    expect(krippendorffAlpha([[3, 3], [3, 3]], 'interval')).toBeNull();
    expect(krippendorffAlpha([[1], [2, null]], 'nominal')).toBeNull();
  });

  it('the additive sums give the same nominal alpha as the general formula for 0/1 data', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.option(fc.constantFrom(0, 1), { nil: null }), { maxLength: 5 }), { maxLength: 12 }), (data) => {
        const sums = emptyAlphaSums();
        for (const u of data) addAlphaUnit(sums, u.filter((v): v is 0 | 1 => v !== null), 'nominal');
        const a = alphaFromSums(sums, 'nominal');
        const b = krippendorffAlpha(data, 'nominal');
        if (a === null || b === null) expect(a).toBe(b);
        else expect(a).toBeCloseTo(b, 10);
      }),
    );
  });

  it('does not depend on the order of units or of values within a unit', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 2, maxLength: 4 }), { minLength: 2, maxLength: 8 }), (data) => {
        const shuffled = [...data].reverse().map((u) => [...u].reverse());
        const a = krippendorffAlpha(data, 'interval');
        const b = krippendorffAlpha(shuffled, 'interval');
        if (a === null || b === null) expect(a).toBe(b);
        else expect(a).toBeCloseTo(b, 10);
      }),
    );
  });
});
