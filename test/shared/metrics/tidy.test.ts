import { describe, expect, it } from 'vitest';
import { computeMetrics } from '../../../shared/metrics/compute.js';
import { tidyTable, toCsv, toJsonl } from '../../../shared/metrics/tidy.js';
import { handStudy } from './fixtures.js';

describe('tidy tables', () => {
  it('decisions: one row per shown critique of a counted review, undecided included', () => {
    const t = tidyTable(handStudy(), 'decisions');
    expect(t.rows).toHaveLength(5); // r2: 3, r3: 1, r6: 1 (r7 is skipped)
    expect(t.rows).toContainEqual(['hand', 'r6', 't3', 'b', 'assisted', 3, 'c1', false, 'undecided', null, false]);
    expect(t.rows).toContainEqual(['hand', 'r3', 't2', 'a', 'assisted', 2, 'c1', true, 'accept', null, true]);
  });

  it('flaws: one row per ground-truth flaw per counted review, agreeing with caught_per_review', () => {
    const data = handStudy();
    const t = tidyTable(data, 'flaws');
    const caught = t.columns.indexOf('caught');
    const cond = t.columns.indexOf('condition');
    const m = computeMetrics(data, { bootstrap: 0 });
    for (const [name, c] of Object.entries(m.conditions)) {
      const n = t.rows.filter((r) => r[cond] === name && r[caught] === true).length;
      expect(n / c.reviews).toBeCloseTo(c.caught_per_review.value!, 12);
    }
    expect(t.rows).toContainEqual(['hand', 'r2', 't1', 'b', 'assisted', 1, 'f1', 'major', 'accuracy', true, 'critique:c1']);
  });

  it('matches: auto pairs and unmatched reports', () => {
    const t = tidyTable(handStudy(), 'matches');
    expect(t.rows).toContainEqual(['hand', 'r1', 't1', 'a', 'unassisted', 1, 'added', 'a1', 'f1', true, null, true]);
    expect(t.rows).toContainEqual(['hand', 'r2', 't1', 'b', 'assisted', 1, 'critique', 'c2', null, false, null, false]);
    expect(t.rows).toContainEqual(['hand', 'r5', 't3', 'a', 'unassisted', 3, 'added', 'a1', null, false, null, false]);
  });

  it('writes CSV with RFC 4180 quoting and JSON Lines keyed by column', () => {
    const table = { columns: ['a', 'b', 'c'], rows: [['x,y', 'say "hi"', null], [1.5, true, 'line\nbreak']] };
    expect(toCsv(table)).toBe('a,b,c\n"x,y","say ""hi""",\n1.5,true,"line\nbreak"\n');
    expect(toJsonl(table)).toBe('{"a":"x,y","b":"say \\"hi\\"","c":null}\n{"a":1.5,"b":true,"c":"line\\nbreak"}\n');
  });
});
