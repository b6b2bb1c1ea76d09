import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelMargin, spreadLabels, textWidth } from '../../../renderer/src/screens/analysis/plot-layout.js';

// The layout rules behind the dashboard's plots (the Chromium test plot-layout.test.ts checks the
// drawn result): end-of-line labels never closer than a line, label margins that fit or cut.

describe('spreadLabels', () => {
  it('labels at the same height are moved a line apart, in their order, inside the plot', () => {
    expect(spreadLabels([100, 100, 100], 13, 20, 190)).toEqual([100, 113, 126]);
    // at the bottom edge they move up instead of out of the plot
    expect(spreadLabels([190, 190, 185], 13, 20, 190)).toEqual([177, 190, 164]);
  });

  it('property: apart by the gap, order kept, inside [top, bottom] when there is room; labels already apart stay put', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ min: -50, max: 300, noNaN: true }), { minLength: 1, maxLength: 12 }),
        fc.integer({ min: 8, max: 20 }),
        (ys, gap) => {
          const top = 20;
          const bottom = 190;
          const out = spreadLabels(ys, gap, top, bottom);
          expect(out).toHaveLength(ys.length);
          const order = ys.map((y, i) => ({ y, i })).sort((a, b) => a.y - b.y || a.i - b.i);
          for (let k = 1; k < order.length; k++) expect(out[order[k]!.i]! - out[order[k - 1]!.i]!).toBeGreaterThanOrEqual(gap - 1e-9);
          if ((ys.length - 1) * gap <= bottom - top) for (const y of out) expect(y >= top - 1e-9 && y <= bottom + 1e-9).toBe(true);
          const apart = order.every((o, k) => k === 0 || o.y - order[k - 1]!.y >= gap) && ys.every((y) => y >= top && y <= bottom);
          if (apart) expect(out).toEqual(ys);
        },
      ),
      { numRuns: 500 },
    );
  });
});

describe('labelMargin', () => {
  it('fits the longest label, at least the minimum, at most a share of the width', () => {
    expect(labelMargin(['a', 'bb'], 800)).toBe(40); // short labels: the minimum
    expect(labelMargin(['unassisted', 'assisted'], 800)).toBe(Math.round(textWidth('unassisted') + 12));
    const long = 'valid-critiques-only-without-decoys';
    expect(labelMargin([long], 414)).toBe(Math.round(414 * 0.3)); // cut with an ellipsis, not squeezing the plot
    expect(labelMargin([long], 865)).toBe(Math.round(textWidth(long) + 12));
    expect(labelMargin([], 414)).toBe(40);
  });
});
