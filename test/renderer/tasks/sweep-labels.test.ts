// The sweep plot's labels (issue #13): dots whose labels would touch share one, so no label is
// printed over another at any plot width.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LABEL_GAP_PX, LABEL_LINE_PX, labelWidth, sweepLabels } from '../../../renderer/src/screens/tasks/sweep-labels.js';

describe('sweepLabels', () => {
  it('keeps labels apart where they fit, and merges those that would read as one ("5" beside "2,9,10")', () => {
    const dots = [
      { x: 0.67, y: 0.38, rows: [5] },
      { x: 0.71, y: 0.38, rows: [2, 9, 10] },
      { x: 0.85, y: 0.38, rows: [1] },
      { x: 1, y: 0, rows: [3] },
    ];
    // a narrow plot (the old side-by-side layout): 5 and 2,9,10 are 12 px apart
    expect(sweepLabels(dots, 300, 240).map((l) => l.text)).toEqual(['2,5,9,10', '1', '3']);
    // a wide one: 31 px apart, room for both
    expect(sweepLabels(dots, 780, 240).map((l) => l.text)).toEqual(['5', '2,9,10', '1', '3']);
    // at another height, no merge
    expect(sweepLabels([dots[0]!, { ...dots[1]!, y: 0.2 }], 300, 240).map((l) => l.text)).toEqual(['5', '2,9,10']);
  });

  it('property: every row keeps exactly one label, and no two labels touch', () => {
    const dot = fc.record({ x: fc.double({ min: 0, max: 1, noNaN: true }), y: fc.double({ min: 0, max: 1, noNaN: true }) });
    fc.assert(
      fc.property(fc.array(dot, { minLength: 1, maxLength: 25 }), fc.integer({ min: 120, max: 1400 }), fc.integer({ min: 100, max: 400 }), (raw, width, height) => {
        const dots = raw.map((d, i) => ({ ...d, rows: [i + 1] }));
        const labels = sweepLabels(dots, width, height);
        const rows = labels.flatMap((l) => l.text.split(',').map(Number)).sort((a, b) => a - b);
        expect(rows).toEqual(dots.map((_, i) => i + 1));
        for (let i = 0; i < labels.length; i++) {
          for (let j = i + 1; j < labels.length; j++) {
            const [a, b] = [labels[i]!, labels[j]!];
            const apart = Math.abs(a.y - b.y) * height >= LABEL_LINE_PX || Math.abs(a.x - b.x) * width >= (labelWidth(a.text) + labelWidth(b.text)) / 2 + LABEL_GAP_PX;
            expect(apart, `${a.text} and ${b.text}`).toBe(true);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
