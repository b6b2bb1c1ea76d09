import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { linesToAnchor, quoteToAnchor } from '../../../renderer/src/screens/review/anchors.js';
import { chunkText, segmentRange } from '../../../renderer/src/screens/review/chunked-text.js';
import { nextOpenItem } from '../../../renderer/src/screens/review/queue-order.js';
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
    const r = quoteToAnchor(text, 'ab', second);
    expect(r).toEqual({ anchor: { start: 5, end: 7 } }); // code points: the emoji counts once
    if ('anchor' in r) {
      const resolved = resolveAnchor(r.anchor, text);
      expect(resolved.ok && text.slice(resolved.value.start16, resolved.value.end16)).toBe('ab');
      expect(resolved.ok && resolved.value.start16).toBe(second);
    }
    expect(quoteToAnchor('abc', 'zzz')).toMatchObject({ error: expect.stringContaining('not in the output') });
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
  it('next open item: the first unfinished after the current, else before it', () => {
    const q = (id: number, status: 'new' | 'open' | 'submitted' | 'skipped') => ({ id, taskId: `t${id}`, title: null, kind: 'summary' as const, study: '', label: 'L', status });
    const queue = [q(1, 'new'), q(2, 'submitted'), q(3, 'open'), q(4, 'skipped')];
    expect(nextOpenItem(queue, 2)?.id).toBe(3);
    expect(nextOpenItem(queue, 3)?.id).toBe(1);
    expect(nextOpenItem([q(1, 'open')], 1)).toBeUndefined();
  });
  it('property: resizing keeps the total and every pane at least the minimum', () => {
    fc.assert(
      fc.property(fc.double({ min: -2, max: 2, noNaN: true }), fc.integer({ min: 0, max: 1 }), (delta, i) => {
        const w = resize([0.34, 0.36, 0.3], i, delta);
        expect(w.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
        for (const x of w) expect(x).toBeGreaterThanOrEqual(0.12 - 1e-9);
      }),
    );
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
