import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { latestAdjudications, matchReview, type AdjudicationEvent } from '../../../shared/metrics/matching.js';
import type { MetricAnchor, MetricTask } from '../../../shared/metrics/types.js';
import { review, span } from './fixtures.js';

const lines = (first: number, last: number, side: 'output' | 'base' = 'output'): MetricAnchor => ({ start: 0, end: 1, lines: [first, last], side });

describe('matchReview', () => {
  const code: MetricTask = {
    id: 'k',
    kind: 'code',
    critiques: [{ id: 'c1', valid: true }],
    flaws: [
      { id: 'bug', anchor: lines(10, 12), severity: 'major', category: 'correctness', critiques: ['c1'] },
      { id: 'old', anchor: lines(10, 12, 'base'), severity: null, category: null, critiques: [] },
    ],
  };

  it('matches code by intersecting line ranges on the same side only', () => {
    const r = review({ id: 'r', task: 'k', evaluator: 'e', condition: 'x', added: [{ id: 'a', anchor: lines(12, 20) }, { id: 'b', anchor: lines(1, 9) }] });
    const m = matchReview(code, r, []);
    expect(m.caught).toEqual(['bug']);
    expect(m.matches).toEqual([{ flaw: 'bug', report: { kind: 'added', id: 'a' }, auto: true, adjudication: null, counted: true }]);
    expect(m.unmatched).toEqual([{ kind: 'added', id: 'b' }]);
    const base = matchReview(code, review({ id: 'r', task: 'k', evaluator: 'e', condition: 'x', added: [{ id: 'a', anchor: lines(11, 11, 'base') }] }), []);
    expect(base.caught).toEqual(['old']);
  });

  it('matches per file in a multi-file task: a flaw on a.py lines 3–4 is caught only by a report on a.py', () => {
    const inFile = (path: string, first: number, last: number): MetricAnchor => ({ ...lines(first, last), path });
    const task: MetricTask = { id: 'pr', kind: 'code', critiques: [], flaws: [{ id: 'f', anchor: inFile('a.py', 3, 4), severity: null, category: null, critiques: [] }] };
    const caught = (anchor: MetricAnchor) => matchReview(task, review({ id: 'r', task: 'pr', evaluator: 'e', condition: 'x', added: [{ id: 'a', anchor }] }), []).caught;
    expect(caught(inFile('a.py', 4, 9))).toEqual(['f']);
    expect(caught(inFile('b.py', 3, 4))).toEqual([]);
    expect(caught(inFile('src/a.py', 3, 4))).toEqual([]);
    expect(caught(lines(3, 4))).toEqual([]); // a report without a file is not on a.py
    // text anchors (code-point ranges) of a code task are compared on lines, in their own file too
    expect(caught({ start: 0, end: 1, lines: [3, 3], side: 'output', path: 'a.py' })).toEqual(['f']);
  });

  it('matches text by shared code points: touching ranges do not overlap', () => {
    const task: MetricTask = { id: 't', kind: 'summary', critiques: [], flaws: [{ id: 'f', anchor: span(10, 20), severity: null, category: null, critiques: [] }] };
    const at = (s: number, e: number) => matchReview(task, review({ id: 'r', task: 't', evaluator: 'e', condition: 'x', added: [{ id: 'a', anchor: span(s, e) }] }), []).caught;
    expect(at(0, 10)).toEqual([]);
    expect(at(0, 11)).toEqual(['f']);
    expect(at(19, 25)).toEqual(['f']);
    expect(at(20, 25)).toEqual([]);
  });

  it('counts a flaw once however many reports catch it, and only accepted critiques report', () => {
    const r = review({
      id: 'r',
      task: 'k',
      evaluator: 'e',
      condition: 'x',
      shown: ['c1'],
      decisions: [{ critique: 'c1', verdict: 'accept' }],
      added: [{ id: 'a', anchor: lines(10, 10) }],
    });
    expect(matchReview(code, r, []).caught).toEqual(['bug']);
    const rejected = review({ id: 'r', task: 'k', evaluator: 'e', condition: 'x', shown: ['c1'], decisions: [{ critique: 'c1', verdict: 'reject' }] });
    expect(matchReview(code, rejected, []).caught).toEqual([]);
    expect(matchReview(code, rejected, []).reports).toEqual([]);
  });

  it('ignores adjudications of other reviews, unknown flaws or things not reported', () => {
    const r = review({ id: 'r', task: 'k', evaluator: 'e', condition: 'x', added: [{ id: 'a', anchor: null }] });
    const m = matchReview(code, r, [
      { review: 'other', flaw: 'bug', report: { kind: 'added', id: 'a' }, verdict: 'match' },
      { review: 'r', flaw: 'nope', report: { kind: 'added', id: 'a' }, verdict: 'match' },
      { review: 'r', flaw: 'bug', report: { kind: 'critique', id: 'c1' }, verdict: 'match' },
    ]);
    expect(m.caught).toEqual([]);
    expect(matchReview(code, r, [{ review: 'r', flaw: 'bug', report: { kind: 'added', id: 'a' }, verdict: 'match' }]).caught).toEqual(['bug']);
  });
});

describe('latestAdjudications', () => {
  it('keeps the last ruling per triple and drops cleared ones', () => {
    const e = (verdict: AdjudicationEvent['verdict'], flaw = 'f'): AdjudicationEvent => ({ review: 'r', flaw, report: { kind: 'added', id: 'a' }, verdict });
    expect(latestAdjudications([e('match'), e('no-match')])).toEqual([{ review: 'r', flaw: 'f', report: { kind: 'added', id: 'a' }, verdict: 'no-match' }]);
    expect(latestAdjudications([e('match'), e('clear')])).toEqual([]);
    expect(latestAdjudications([e('match'), e('clear', 'g'), e('no-match', 'g')]).map((a) => a.flaw)).toEqual(['f', 'g']);
  });

  it('equals replaying only the last event of each triple', () => {
    const eventArb = fc.record({
      review: fc.constantFrom('r1', 'r2'),
      flaw: fc.constantFrom('f1', 'f2'),
      report: fc.record({ kind: fc.constantFrom('critique' as const, 'added' as const), id: fc.constantFrom('x', 'y') }),
      verdict: fc.constantFrom('match' as const, 'no-match' as const, 'clear' as const),
    });
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 30 }), (events) => {
        const last = new Map<string, AdjudicationEvent>();
        for (const ev of events) last.set(JSON.stringify([ev.review, ev.flaw, ev.report.kind, ev.report.id]), ev);
        const expected = [...last.values()].filter((ev) => ev.verdict !== 'clear');
        const got = latestAdjudications(events);
        expect(got).toHaveLength(expected.length);
        for (const ev of expected) expect(got).toContainEqual({ review: ev.review, flaw: ev.flaw, report: ev.report, verdict: ev.verdict });
      }),
    );
  });
});
