import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextIndex, linesOverlap, rangesOverlap, resolveAnchor } from '../../shared/anchors.js';

const ok = (r: ReturnType<typeof resolveAnchor>) => {
  if (!r.ok) throw new Error(r.error.message);
  return r.value;
};

describe('anchors', () => {
  const text = 'Hi 👋 there, 世界! 🎉🎉 end';

  it('converts code-point ranges to UTF-16 with emoji and CJK', () => {
    const cps = Array.from(text);
    const start = cps.indexOf('世');
    const r = ok(resolveAnchor({ start, end: start + 2 }, text));
    expect(text.slice(r.start16, r.end16)).toBe('世界');
    expect(r.start).toBe(start);
    const party = cps.indexOf('🎉');
    const p = ok(resolveAnchor({ start: party, end: party + 2 }, text));
    expect(text.slice(p.start16, p.end16)).toBe('🎉🎉');
    expect(p.end16 - p.start16).toBe(4);
  });

  it('resolves quotes, using prefix and suffix to pick one place', () => {
    const t = 'the cat sat on the mat with the cat';
    expect(resolveAnchor({ quote: 'the cat' }, t)).toMatchObject({ ok: false, error: { message: /matches 2 places/ } });
    const r = ok(resolveAnchor({ quote: 'the cat', prefix: 'with ' }, t));
    expect(r.start).toBe(t.lastIndexOf('the cat'));
    expect(ok(resolveAnchor({ quote: 'the cat', suffix: ' sat' }, t)).start).toBe(0);
    expect(resolveAnchor({ quote: 'dog' }, t)).toMatchObject({ ok: false, error: { path: 'quote' } });
    const e = ok(resolveAnchor({ quote: '🎉🎉' }, text));
    expect(e.start).toBe(Array.from(text).indexOf('🎉'));
  });

  it('resolves lines on either side of a diff and checks bounds', () => {
    const out = 'a\nbb\nccc\n';
    const r = ok(resolveAnchor({ lines: [2, 3] }, out));
    expect(out.slice(r.start16, r.end16)).toBe('bb\nccc');
    expect(r.lines).toEqual([2, 3]);
    expect(resolveAnchor({ lines: [4, 4] }, out)).toMatchObject({ ok: false, error: { path: 'lines' } });
    const b = ok(resolveAnchor({ lines: [1, 1], side: 'base' }, out, { base: 'x\ny' }));
    expect(b.side).toBe('base');
    expect(resolveAnchor({ lines: [1, 1], side: 'base' }, out)).toMatchObject({ ok: false, error: { path: 'side' } });
  });

  it('rejects out-of-range code-point ranges', () => {
    expect(resolveAnchor({ start: 0, end: 99 }, 'short')).toMatchObject({ ok: false, error: { path: 'end' } });
  });

  it('finds overlaps', () => {
    expect(rangesOverlap({ start: 0, end: 5 }, { start: 4, end: 9 })).toBe(true);
    expect(rangesOverlap({ start: 0, end: 5 }, { start: 5, end: 9 })).toBe(false);
    expect(linesOverlap({ lines: [3, 4], side: 'output' }, { lines: [4, 8], side: 'output' })).toBe(true);
    expect(linesOverlap({ lines: [3, 4], side: 'output' }, { lines: [4, 8], side: 'base' })).toBe(false);
  });

  it('round-trips offsets for any string (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.nat(), fc.nat(), (s, a, b) => {
        const index = new TextIndex(s);
        const cps = Array.from(s);
        expect(index.length).toBe(cps.length);
        if (cps.length === 0) return;
        const start = a % cps.length;
        const end = start + 1 + (b % (cps.length - start));
        const r = ok(resolveAnchor({ start, end }, s));
        expect(s.slice(r.start16, r.end16)).toBe(cps.slice(start, end).join(''));
        expect(index.toCodePoint(index.toUtf16(start))).toBe(start);
      }),
    );
  });
});
