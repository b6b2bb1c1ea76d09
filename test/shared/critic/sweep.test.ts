import { describe, expect, it } from 'vitest';
import { parseSweepPoints, sweepCritic, type SweepTask } from '../../../shared/critic/sweep.js';
import { parseOperatingPoint } from '../../../shared/policy.js';

const at = (start: number, end: number): { start: number; end: number; lines: [number, number]; side: 'output' } => ({ start, end, lines: [1, 1], side: 'output' });

// Two tasks with ground truth. Task a: flaws at [0,10) and [20,30) and one without an anchor that
// lists an imported critique; task b: a code task, a flaw on lines 3–4.
const tasks: SweepTask[] = [
  {
    id: 'a',
    kind: 'summary',
    flaws: [
      { id: 'f1', anchor: at(0, 10), severity: null, category: null, critiques: [] },
      { id: 'f2', anchor: at(20, 30), severity: null, category: null, critiques: [] },
      { id: 'f3', anchor: null, severity: null, category: null, critiques: ['g.s0.c3'] },
    ],
    critiques: [
      { id: 'g.s0.c1', critic: 'g', sample: 0, score: 0.9, range: at(5, 7) }, // points out f1
      { id: 'g.s0.c2', critic: 'g', sample: 0, score: 0.3, range: at(12, 15) }, // matches nothing
      { id: 'g.s0.c3', critic: 'g', sample: 0, score: 0.5, range: null }, // listed by f3
      { id: 'g.s1.c1', critic: 'g', sample: 1, score: 0.8, range: at(25, 26) }, // points out f2
      { id: 'g.s1.c2', critic: 'g', sample: 1, score: 0.6, hallucinated: true, range: null }, // matches nothing
    ],
    samples: [0, 1],
  },
  {
    id: 'b',
    kind: 'code',
    flaws: [{ id: 'f1', anchor: { start: 0, end: 1, lines: [3, 4], side: 'output' }, severity: null, category: null, critiques: [] }],
    critiques: [{ id: 'g.s0.c1', critic: 'g', sample: 0, score: 0.7, range: { start: 50, end: 60, lines: [4, 6], side: 'output' } }],
    samples: [0],
  },
  // without flaws, or without samples of g: not in the sweep
  { id: 'c', kind: 'summary', flaws: [], critiques: [{ id: 'x', critic: 'g', sample: 0, score: 1, range: null }], samples: [0] },
  { id: 'd', kind: 'summary', flaws: [{ id: 'f', anchor: null, severity: null, category: null, critiques: [] }], critiques: [], samples: [] },
];

describe('critic sweep (points out = the metrics matching rule)', () => {
  it('counts flaws pointed out, shown critiques matching none, and critiques per task, per operating point', () => {
    const rows = sweepCritic(tasks, 'g', parseSweepPoints('all,anchored,sample-0,top-1'));
    expect(rows.map((r) => [r.point, r.tasks, r.flaws, r.pointedOut, r.shown, r.unmatched])).toEqual([
      // all: a shows 5 → f1, f2, f3 (listing) pointed out, c2 and s1.c2 match none; b: lines 4–6 overlap 3–4
      ['all', 2, 4, 4, 6, 2],
      ['anchored', 2, 4, 4, 5, 1],
      ['sample-0', 2, 4, 3, 4, 1],
      // top-1: a shows only g.s0.c1 (f1), b shows its one critique (f1)
      ['top-1', 2, 4, 2, 2, 0],
    ]);
    expect(rows[0]).toMatchObject({ flawShare: 1, unmatchedShare: 2 / 6, perTask: 3 });
  });

  it('parses --points, naming a bad entry', () => {
    expect(parseSweepPoints(' top-3 , lambda-0.5+anchored ').map((p) => p.pick?.kind ?? p.top)).toEqual([3, 'lambda']);
    expect(() => parseSweepPoints('top-3,wide')).toThrow(/--points: unknown operating point "wide"/);
    expect(() => parseSweepPoints(' , ')).toThrow(/at least one/);
    expect(parseOperatingPoint(['all'], 'all')).toEqual({ anchored: false, pick: null, min: null, top: null });
  });
});
