import { describe, expect, it } from 'vitest';
import { matchStudy } from '../../../shared/metrics/compute.js';
import type { StudyData } from '../../../shared/metrics/types.js';
import {
  applyRulings,
  defaultFlaw,
  filterReports,
  keyFor,
  matchingKeys,
  progressOf,
  reportItems,
  reportText,
  rulingsFor,
  shortcutsOf,
} from '../../../renderer/src/screens/analysis/adjudication.js';

const anchor = (start: number, end: number) => ({ start, end, lines: [1, 1] as [number, number], side: 'output' as const });

const data: StudyData = {
  study: 's',
  conditions: [
    { name: 'a', policy: 'all' },
    { name: 'u', policy: 'none' },
  ],
  tasks: [
    {
      id: 't1',
      kind: 'summary',
      title: 'One',
      critiques: [
        { id: 'c1', valid: true, text: 'Model text of c1.' },
        { id: 'c2', valid: false, text: 'A decoy.' },
      ],
      flaws: [
        { id: 'f1', anchor: anchor(0, 5), severity: null, category: null, critiques: ['c1'] },
        { id: 'f2', anchor: anchor(10, 15), severity: null, category: null, critiques: [] },
      ],
    },
    { id: 't2', kind: 'summary', title: 'No flaws', critiques: [], flaws: [] },
  ],
  reviews: [
    {
      id: '1',
      task: 't1',
      evaluator: 'ann',
      condition: 'a',
      shown: ['c1', 'c2'],
      decisions: [
        { critique: 'c1', verdict: 'accept', edited: true, editedText: 'Ann’s words.' },
        { critique: 'c2', verdict: 'accept' },
      ],
      added: [{ id: 'own1', anchor: anchor(11, 12), description: 'Near f2' }],
      rating: 3,
      activeSeconds: 10,
      position: 1,
      skipped: false,
      submitted: true,
    },
    { id: '2', task: 't2', evaluator: 'bob', condition: 'u', shown: [], decisions: [], added: [{ id: 'own1', anchor: null, description: 'Something' }], rating: 4, activeSeconds: 5, position: 1, skipped: false, submitted: true },
  ],
  adjudications: [],
};

describe('matching model', () => {
  it('lists every report with its automatic matches, and counts progress over the reports there are flaws to rule against', () => {
    const items = reportItems(data, matchStudy(data));
    expect(items.map((i) => [i.key, i.counted, i.ruled])).toEqual([
      ['1:critique:c1', ['f1'], false],
      ['1:critique:c2', [], false],
      ['1:added:own1', ['f2'], false],
      ['2:added:own1', [], false],
    ]);
    expect(progressOf(items)).toEqual({ ruled: 0, total: 3 }); // t2 has no flaws: nothing to rule
    expect(filterReports(items, { show: 'unmatched', evaluator: '', condition: '' }).map((i) => i.key)).toEqual(['1:critique:c2', '2:added:own1']);
    expect(filterReports(items, { show: 'unruled', evaluator: '', condition: '' }).map((i) => i.key)).toEqual(['1:critique:c1', '1:critique:c2', '1:added:own1']);
    expect(filterReports(items, { show: 'all', evaluator: 'bob', condition: '' }).map((i) => i.key)).toEqual(['2:added:own1']);
    expect(filterReports(items, { show: 'all', evaluator: '', condition: 'a' })).toHaveLength(3);
  });

  it('shows an edited critique as the evaluator wrote it, with the model’s original beside it', () => {
    const [c1, c2] = reportItems(data, matchStudy(data));
    expect(reportText(c1!)).toEqual({ title: 'Accepted critique c1, edited', text: 'Ann’s words.', original: 'Model text of c1.', quote: null });
    expect(reportText(c2!)).toEqual({ title: 'Accepted critique c2', text: 'A decoy.', original: null, quote: null });
  });

  it('turns each key’s action into rulings, and applying them rules the report the way the back end folds its log', () => {
    let d = data;
    const item = () => reportItems(d, matchStudy(d))[1]!; // c2: matches nothing yet
    expect(defaultFlaw(item())).toBe('f1');
    const match = rulingsFor('match', item(), 'f2');
    expect(match).toEqual([{ flaw: 'f2', verdict: 'match' }]);
    d = { ...d, adjudications: applyRulings(d.adjudications, '1', { kind: 'critique', id: 'c2' }, match) };
    expect(item()).toMatchObject({ ruled: true, counted: ['f2'] });
    expect(defaultFlaw(item())).toBe('f2');
    expect(rulingsFor('match', item(), 'f2')).toEqual([]); // already so
    const none = rulingsFor('no-match', item(), null);
    expect(none).toEqual([
      { flaw: 'f1', verdict: 'no-match' },
      { flaw: 'f2', verdict: 'no-match' },
    ]);
    d = { ...d, adjudications: applyRulings(d.adjudications, '1', { kind: 'critique', id: 'c2' }, none) };
    expect(item()).toMatchObject({ ruled: true, counted: [] });
    expect(rulingsFor('clear', item(), null)).toEqual([
      { flaw: 'f1', verdict: 'clear' },
      { flaw: 'f2', verdict: 'clear' },
    ]);
    d = { ...d, adjudications: applyRulings(d.adjudications, '1', { kind: 'critique', id: 'c2' }, rulingsFor('clear', item(), null)) };
    expect(d.adjudications).toEqual([]);
    const first = reportItems(d, matchStudy(d))[0]!;
    expect(rulingsFor('confirm', first, null)).toEqual([{ flaw: 'f1', verdict: 'match' }]);
    expect(progressOf(reportItems(d, matchStudy(d)))).toEqual({ ruled: 0, total: 3 });
  });

  it('has one key table: each key is in it once, and the shortcuts come from it', () => {
    const keys = matchingKeys.flatMap((k) => k.keys);
    expect(new Set(keys).size).toBe(keys.length);
    expect(keyFor('j')?.action).toBe('next');
    expect(keyFor('ArrowDown')?.action).toBe('next');
    expect(keyFor('7')?.action).toBe('flaw');
    expect(keyFor('x')).toBeUndefined();
    expect(shortcutsOf('match')).toBe('m');
    expect(shortcutsOf('next')).toBe('j ArrowDown');
  });
});
