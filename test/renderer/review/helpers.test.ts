import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { describeAnchor, linesToAnchor, quoteToAnchor, whereOfAnchor } from '../../../renderer/src/screens/review/anchors.js';
import { chunkText, segmentRange } from '../../../renderer/src/screens/review/chunked-text.js';
import { nextOpenItem, queueProgress } from '../../../renderer/src/screens/review/queue-order.js';
import { resize } from '../../../renderer/src/screens/review/panes.js';
import { resolveAnchor } from '../../../shared/anchors.js';

describe('chunkText', () => {
  it('property: chunks tile the text exactly, in order, none empty', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 5000 }), fc.integer({ min: 5, max: 300 }), (text, target) => {
        const chunks = chunkText(text, target);
        expect(chunks.map((c) => text.slice(c.start, c.end)).join('')).toBe(text);
        let at = 0;
        for (const c of chunks) {
          expect(c.start).toBe(at);
          expect(c.end).toBeGreaterThan(c.start);
          at = c.end;
        }
      }),
    );
  });
  it('prefers line breaks', () => {
    const text = `${'a'.repeat(10)}\n${'b'.repeat(10)}\n`;
    expect(chunkText(text, 6).map((c) => text.slice(c.start, c.end))).toEqual([`${'a'.repeat(10)}\n`, `${'b'.repeat(10)}\n`]);
  });
});

describe('segmentRange', () => {
  it('property: segments tile the range and carry exactly the marks covering them', () => {
    const mark = fc.record({ start: fc.integer({ min: 0, max: 50 }), len: fc.integer({ min: 1, max: 20 }) });
    fc.assert(
      fc.property(fc.array(mark, { maxLength: 8 }), (raw) => {
        const marks = raw.map((m, i) => ({ start: m.start, end: m.start + m.len, id: `m${i}`, className: 'x' }));
        const segs = segmentRange(10, 60, marks);
        expect(segs[0]!.start).toBe(10);
        expect(segs[segs.length - 1]!.end).toBe(60);
        for (let i = 1; i < segs.length; i++) expect(segs[i]!.start).toBe(segs[i - 1]!.end);
        for (const s of segs) {
          for (let x = s.start; x < s.end; x++) {
            const covering = marks.filter((m) => m.start <= x && x < m.end).map((m) => m.id);
            expect(s.marks.map((m) => m.id)).toEqual(covering);
          }
        }
      }),
    );
  });
});

describe('flaw anchors from the UI', () => {
  it('a unique quote stays a quote; a repeated one becomes the selected code-point range', () => {
    expect(quoteToAnchor('one two three', 'two')).toEqual({ anchor: { quote: 'two' } });
    const text = '😀 ab ab';
    const second = text.lastIndexOf('ab');
    const r = quoteToAnchor(text, 'ab', { start16: second, end16: second + 2 });
    expect(r).toEqual({ anchor: { start: 5, end: 7 } }); // code points: the emoji counts once
    if ('anchor' in r) {
      const resolved = resolveAnchor(r.anchor, text);
      expect(resolved.ok && text.slice(resolved.value.start16, resolved.value.end16)).toBe('ab');
      expect(resolved.ok && resolved.value.start16).toBe(second);
    }
    expect(quoteToAnchor('abc', 'zzz')).toMatchObject({ error: expect.stringContaining('not in the output') });
  });
  it('a quote narrowed or widened in the form stays with the occurrence inside (or nearest) the pinned place', () => {
    const text = 'one cat sat. two cat sat. three cat sat.';
    const second = { start16: text.indexOf('two'), end16: text.indexOf('two') + 'two cat sat'.length };
    // narrowed: "cat" also occurs before the pinned range, and closer to its start than to the one inside
    expect(quoteToAnchor(text, 'cat', second)).toEqual({ anchor: { start: text.indexOf('cat', second.start16), end: text.indexOf('cat', second.start16) + 3 } });
    // widened past the pinned range: the occurrence that sticks out least
    expect(quoteToAnchor(text, 'cat sat.', second)).toEqual({ anchor: { start: text.indexOf('cat sat.', second.start16), end: text.indexOf('cat sat.', second.start16) + 8 } });
    // nothing pinned (a quote typed by hand): the first
    expect(quoteToAnchor(text, 'cat', null)).toEqual({ anchor: { start: 4, end: 7 } });
  });
  it('property: a selection pinned at any occurrence of a repeated quote is anchored exactly there', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 6 }), fc.string({ minLength: 1, maxLength: 4 }), fc.array(fc.string({ maxLength: 6 }), { minLength: 2, maxLength: 5 }), fc.nat(), (head, quote, gaps, pick) => {
        const text = head + gaps.map((g) => quote + g).join('');
        const starts: number[] = [];
        for (let i = text.indexOf(quote); i !== -1; i = text.indexOf(quote, i + 1)) starts.push(i);
        const at = starts[pick % starts.length]!;
        const r = quoteToAnchor(text, quote, { start16: at, end16: at + quote.length });
        const resolved = 'anchor' in r ? resolveAnchor(r.anchor, text) : null;
        expect(resolved?.ok && resolved.value.start16).toBe(at);
      }),
    );
  });
  it('the form gets an anchor\'s full text and place, not its shortened display', () => {
    const passage = 'x'.repeat(30) + ' a long passage that is longer than sixty characters ' + 'y'.repeat(30);
    const text = `${passage} and ${passage}`;
    const at = text.lastIndexOf(passage);
    const anchor = { start: at, end: at + passage.length }; // ASCII: code points = UTF-16 units
    expect(describeAnchor(anchor, text)).toHaveLength(60);
    expect(whereOfAnchor(anchor, text, null)).toEqual({ where: passage, pinned: { start16: at, end16: at + passage.length }, side: 'output' });
    expect(quoteToAnchor(text, whereOfAnchor(anchor, text, null).where, whereOfAnchor(anchor, text, null).pinned)).toEqual({ anchor });
    expect(whereOfAnchor({ lines: [3, 5], side: 'base' }, 'a', 'b')).toEqual({ where: '3-5', pinned: null, side: 'base' });
    expect(whereOfAnchor({ lines: [4, 4] }, 'a', null)).toEqual({ where: '4', pinned: null, side: 'output' });
    expect(whereOfAnchor(undefined, 'a', null)).toEqual({ where: '', pinned: null, side: 'output' });
  });
  it('parses line ranges against the text and the side', () => {
    expect(linesToAnchor('a\nb\nc\n', '2-3', 'output')).toEqual({ anchor: { lines: [2, 3] } });
    expect(linesToAnchor('a\nb\nc\n', ' 2 ', 'base')).toEqual({ anchor: { lines: [2, 2], side: 'base' } });
    expect(linesToAnchor('a\nb\n', '2-5', 'output')).toMatchObject({ error: 'Line 5 is past the end (2 lines).' });
    expect(linesToAnchor('a\nb\n', 'x', 'output')).toMatchObject({ error: expect.stringContaining('12-14') });
    expect(linesToAnchor('a\nb\n', '2-1', 'output')).toMatchObject({ error: expect.stringContaining('not end before') });
  });
});

describe('workspace helpers', () => {
  it('next open item: the first unfinished after the current, else before it, never in another part of the queue', () => {
    const q = (id: number, status: 'new' | 'open' | 'submitted' | 'skipped', study = '') => ({ id, taskId: `t${id}`, title: null, kind: 'summary' as const, study, label: 'L', status });
    const queue = [q(1, 'new'), q(2, 'submitted'), q(3, 'open'), q(4, 'skipped')];
    expect(nextOpenItem(queue, 2)?.id).toBe(3);
    expect(nextOpenItem(queue, 3)?.id).toBe(1);
    expect(nextOpenItem([q(1, 'open')], 1)).toBeUndefined();
    // the last item of a study does not lead into practice: the study's finished screen comes first
    const mixed = [q(1, 'submitted', 'pilot'), q(2, 'open', 'pilot'), q(3, 'new'), q(4, 'new')];
    expect(nextOpenItem(mixed, 2)).toBeUndefined();
    expect(nextOpenItem(mixed, 3)?.id).toBe(4);
    expect(queueProgress(mixed)).toEqual([
      { study: 'pilot', done: 1, total: 2 },
      { study: '', done: 0, total: 2 },
    ]);
  });
  it('progress: a 12-item study with 2 practice items reads 8 of 12 and 1 of 2, never 9 of 14', () => {
    const q = (id: number, status: 'new' | 'open' | 'submitted' | 'skipped', study: string) => ({ id, taskId: `t${id}`, title: null, kind: 'summary' as const, study, label: study ? 'Set A' : 'Practice', status });
    const studyItems = Array.from({ length: 12 }, (_, i) => q(i + 1, i < 7 ? 'submitted' : i === 7 ? 'skipped' : i === 8 ? 'open' : 'new', 'pilot'));
    // practice items interleaved with the study's, as a queue listing may return them
    const queue = [...studyItems.slice(0, 5), q(13, 'submitted', ''), ...studyItems.slice(5), q(14, 'new', '')];
    expect(queueProgress(queue)).toEqual([
      { study: 'pilot', done: 8, total: 12 },
      { study: '', done: 1, total: 2 },
    ]);
  });
  it('property: progress counts each part’s own items only, finished ones as done, in the order parts first appear', () => {
    const entry = fc.record({ study: fc.constantFrom('', 'pilot', 'b', 'c'), status: fc.constantFrom('new', 'open', 'submitted', 'skipped') });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 60 }), (raw) => {
        const queue = raw.map((e, i) => ({ id: i + 1, taskId: `t${i}`, title: null, kind: 'summary' as const, study: e.study, label: 'L', status: e.status }));
        const parts = queueProgress(queue);
        expect(parts.map((p) => p.study)).toEqual([...new Set(queue.map((x) => x.study))]);
        for (const p of parts) {
          const own = queue.filter((x) => x.study === p.study);
          expect(p.total).toBe(own.length);
          expect(p.done).toBe(own.filter((x) => x.status === 'submitted' || x.status === 'skipped').length);
        }
        expect(parts.reduce((n, p) => n + p.total, 0)).toBe(queue.length);
      }),
    );
  });
  it('property: resizing keeps the total and every pane at least its minimum, and never moves a pane further below it', () => {
    const mins = [0.15, 0.25, 0.25];
    fc.assert(
      fc.property(fc.double({ min: -2, max: 2, noNaN: true }), fc.integer({ min: 0, max: 1 }), (delta, i) => {
        const w = resize([0.34, 0.36, 0.3], i, delta, mins);
        expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
        w.forEach((x, k) => expect(x).toBeGreaterThanOrEqual(mins[k]! - 1e-9));
      }),
    );
    // widths stored on a wider screen, already below a minimum here: the squeezed pane can only grow
    const squeezed = [0.2, 0.72, 0.08];
    expect(resize(squeezed, 1, 0.3, mins)).toEqual(squeezed);
    expect(resize(squeezed, 1, -0.1, mins)[2]).toBeCloseTo(0.18, 9);
  });
});

describe('active time', () => {
  it('counts visible time up to 60 s after the last input, nothing while hidden', async () => {
    const { accountActive } = await import('../../../renderer/src/screens/review/active-time.js');
    expect(accountActive(0, 1_000, 5_000, 1_000, true)).toBe(4_000);
    expect(accountActive(0, 1_000, 100_000, 1_000, true)).toBe(60_000); // idle after a minute
    expect(accountActive(500, 1_000, 5_000, 1_000, false)).toBe(500); // hidden
    expect(accountActive(0, 70_000, 80_000, 1_000, true)).toBe(0); // still idle
  });
});
