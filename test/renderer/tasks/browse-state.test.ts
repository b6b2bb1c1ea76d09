import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { filtersFromQuery, MAX_SCROLL_HEIGHT, noFilters, queryFromFilters, rowWindow, scrollToRow, searchInput } from '../../../renderer/src/screens/tasks/browse-state.js';
import { hashOf, parseHash } from '../../../renderer/src/router.js';

describe('task browser URL', () => {
  it('names the task and the search: a hash round-trips, ids with / ? % and spaces included', () => {
    const filters = { ...noFilters, q: 'corrosion "found it"', kind: 'code' as const, has: ['flaws' as const, 'anchored-flaws' as const], study: '*none', source: 'CLIFF via AggreFact', sort: 'title' as const };
    const hash = hashOf('tasks', ['weird/id?x=1 %20'], queryFromFilters(filters));
    const back = parseHash(hash);
    expect(back.route).toBe('tasks');
    expect(back.params).toEqual(['weird/id?x=1 %20']);
    expect(filtersFromQuery(back.query)).toEqual(filters);
    expect(hashOf('tasks', [], queryFromFilters(noFilters))).toBe('#/tasks');
  });

  it('opens hand-edited and broken links: unknown values are dropped, a bad % escape is taken literally', () => {
    const loc = parseHash('#/tasks/a%zz?kind=poem&has=flaws,bogus,flaws&sort=sideways&q=x');
    expect(loc.params).toEqual(['a%zz']);
    expect(filtersFromQuery(loc.query)).toEqual({ ...noFilters, q: 'x', has: ['flaws'] });
    expect(parseHash('#/analysis/e2e/matching')).toEqual({ route: 'analysis', params: ['e2e', 'matching'], query: {} });
    expect(parseHash('')).toEqual({ route: 'review', params: [], query: {} });
  });

  it('turns filters into the tasks:search input', () => {
    expect(searchInput({ ...noFilters, study: '*any' }, 100, 50)).toEqual({ q: '', has: [], inStudy: 'any', offset: 100, limit: 50 });
    expect(searchInput({ ...noFilters, study: 'pilot', kind: 'summary', source: 's', sort: 'newest' }, 0, 10)).toEqual({
      q: '',
      has: [],
      study: 'pilot',
      kind: 'summary',
      source: 's',
      sort: 'newest',
      offset: 0,
      limit: 10,
    });
  });
});

describe('virtual list window', () => {
  it('shows the rows in view plus a margin, positioned where they belong', () => {
    expect(rowWindow(1000, 70, 0, 700, 6)).toEqual({ height: 70_000, first: 0, end: 17, top: 0 });
    const w = rowWindow(1000, 70, 7035, 700, 6);
    expect(w.first).toBe(100 - 6);
    expect(w.top).toBe(w.first * 70);
    expect(rowWindow(3, 70, 0, 700)).toEqual({ height: 210, first: 0, end: 3, top: 0 });
    expect(rowWindow(0, 70, 0, 700)).toMatchObject({ first: 0, end: 0 });
  });

  it('reaches every row, first to last, whatever the size of the list (property; past the browser’s height limit too)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_000_000 }), fc.integer({ min: 100, max: 1500 }), fc.double({ min: 0, max: 1, noNaN: true }), (total, viewport, at) => {
        const w = rowWindow(total, 70, 0, viewport);
        expect(w.height).toBeLessThanOrEqual(MAX_SCROLL_HEIGHT);
        expect(w.first).toBe(0);
        const bottom = rowWindow(total, 70, w.height, viewport);
        expect(bottom.end).toBe(total);
        // any scroll position shows a contiguous run of rows inside the list, covering the viewport
        const mid = rowWindow(total, 70, at * w.height, viewport);
        expect(mid.first).toBeGreaterThanOrEqual(0);
        expect(mid.end).toBeLessThanOrEqual(total);
        expect(mid.end - mid.first).toBeGreaterThanOrEqual(Math.min(total, Math.ceil(viewport / 70)));
        // scrolling to a row brings it into the window
        const row = Math.floor(at * (total - 1));
        const top = scrollToRow(row, total, 70, 0, viewport) ?? 0;
        const after = rowWindow(total, 70, top, viewport, 0);
        expect(row).toBeGreaterThanOrEqual(after.first);
        expect(row).toBeLessThan(after.end);
      }),
      { numRuns: 500 },
    );
  });
});
