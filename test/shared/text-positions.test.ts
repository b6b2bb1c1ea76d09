import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { advance16, LineTable, measure, range16ToRegion, regionToRange16, TextIndex, type ColumnKind, type TextUnit } from '../../shared/text-positions.js';

// The one conversion module: code points, UTF-16 units and UTF-8 bytes; lines; SARIF regions.

/** Texts made of the pieces that break naive conversions: emoji (surrogate pairs), combining marks, CJK, CRLF, lone CR, LF. */
const piece = fc.constantFrom('a', 'Z', ' ', '🎉', '👋🏽', 'e\u0301', '世', 'é', '\r\n', '\n', '\r', '\t', 'x\u0308\u0323');
const text = fc.array(piece, { maxLength: 40 }).map((p) => p.join(''));
/** A text with two code-point offsets in it, in order. */
const textWithRange = text.chain((t) => {
  const n = Array.from(t).length;
  return fc.tuple(fc.constant(t), fc.nat(n), fc.nat(n)).map(([s, a, b]) => [s, Math.min(a, b), Math.max(a, b)] as const);
});
const kinds: readonly ColumnKind[] = ['utf16CodeUnits', 'unicodeCodePoints'];

describe('offsets in code points, UTF-16 units and UTF-8 bytes', () => {
  it('measure and advance16 are inverse for every unit at every character boundary (property)', () => {
    fc.assert(
      fc.property(textWithRange, ([t, a, b]) => {
        const index = new TextIndex(t);
        const from = index.toUtf16(a);
        const to = index.toUtf16(b);
        for (const unit of ['utf16', 'codePoint', 'utf8'] as TextUnit[]) {
          const n = measure(t, from, to, unit);
          expect(advance16(t, from, n, unit)).toBe(to);
        }
        expect(measure(t, from, to, 'codePoint')).toBe(b - a);
        expect(measure(t, 0, t.length, 'utf8')).toBe(Buffer.byteLength(t, 'utf8'));
      }),
      { numRuns: 300 },
    );
  });

  it('never lands inside a character: half an emoji or half a UTF-8 sequence is null', () => {
    const t = 'a🎉b';
    expect(advance16(t, 0, 2, 'utf16')).toBeNull(); // between the halves of 🎉
    expect(advance16(t, 0, 2, 'codePoint')).toBe(3);
    expect(advance16(t, 0, 3, 'utf8')).toBeNull(); // inside 🎉's four bytes
    expect(advance16(t, 0, 5, 'utf8')).toBe(3);
    expect(advance16(t, 0, 9, 'codePoint')).toBeNull(); // past the end
  });
});

describe('lines', () => {
  it("SARIF's default newlines (CRLF, LF) give the task format's lines; a lone CR ends no line (property)", () => {
    fc.assert(
      fc.property(text, (t) => {
        const index = new TextIndex(t);
        const table = new LineTable(t);
        for (let u = 0; u <= t.length; u++) expect(table.lineAt16(u)).toBe(index.lineAt16(u));
      }),
      { numRuns: 300 },
    );
  });

  it('a line of a CRLF file ends before its \\r; other newline sequences can be declared', () => {
    const table = new LineTable('ab\r\ncd\r\n');
    expect([table.start16(2), table.contentEnd16(1), table.end16(1), table.count]).toEqual([4, 2, 4, 3]);
    const withCr = new LineTable('a\rb\nc', ['\r\n', '\r', '\n']);
    expect([withCr.count, withCr.start16(2), withCr.start16(3)]).toEqual([3, 2, 4]);
  });
});

describe('SARIF regions', () => {
  it('round-trip: a range → region → the same range, for both column kinds (property)', () => {
    fc.assert(
      fc.property(textWithRange, ([t, a, b]) => {
        const index = new TextIndex(t);
        const [s16, e16] = [index.toUtf16(a), index.toUtf16(b)];
        for (const kind of kinds) {
          const region = range16ToRegion(t, s16, e16, kind);
          expect(regionToRange16(t, region, kind)).toEqual({ ok: true, start16: s16, end16: e16, columns: true });
        }
      }),
      { numRuns: 400 },
    );
  });

  it('round-trip: a region → range → the same region (canonical regions, property)', () => {
    fc.assert(
      fc.property(textWithRange, fc.constantFrom(...kinds), ([t, a, b], kind) => {
        const index = new TextIndex(t);
        const region = range16ToRegion(t, index.toUtf16(a), index.toUtf16(b), kind);
        const r = regionToRange16(t, region, kind);
        if (!r.ok) throw new Error(r.message);
        expect(range16ToRegion(t, r.start16, r.end16, kind)).toEqual(region);
      }),
      { numRuns: 300 },
    );
  });

  it("follows the specification's examples (CRLF file: columns exclusive at the end, whole lines without their newline)", () => {
    const t = 'abcd\r\nefg\r\nhijk\r\nlmn\r\n';
    const cover = (region: object): string => {
      const r = regionToRange16(t, region, 'unicodeCodePoints');
      if (!r.ok) throw new Error(r.message);
      return t.slice(r.start16, r.end16);
    };
    expect(cover({ startLine: 1, startColumn: 2, endLine: 1, endColumn: 4 })).toBe('bc');
    expect(cover({ charOffset: 1, charLength: 2 })).toBe('bc');
    expect(cover({ startLine: 2 })).toBe('efg');
    expect(cover({ startLine: 2, endLine: 3 })).toBe('efg\r\nhijk');
    expect(cover({ startLine: 2, endLine: 3, endColumn: 1 })).toBe('efg\r\n');
    expect(regionToRange16(t, { startLine: 4, startColumn: 6, endColumn: 6 }, 'unicodeCodePoints')).toMatchObject({ ok: true, start16: 22, end16: 22 });
    expect(regionToRange16(t, { charOffset: 22, charLength: 0 }, 'unicodeCodePoints')).toMatchObject({ ok: true, start16: 22, end16: 22 });
    expect(regionToRange16(t, { startLine: 2 }, 'unicodeCodePoints')).toMatchObject({ columns: false });
  });

  it('counts columns in the declared unit: after an emoji, UTF-16 columns are one more than code-point columns', () => {
    const t = 'x = "🎉"; eval(y)\n';
    const at = t.indexOf('eval');
    expect(range16ToRegion(t, at, at + 4, 'utf16CodeUnits')).toEqual({ startLine: 1, startColumn: 11, endLine: 1, endColumn: 15 });
    expect(range16ToRegion(t, at, at + 4, 'unicodeCodePoints')).toEqual({ startLine: 1, startColumn: 10, endLine: 1, endColumn: 14 });
    // combining marks are code points (and UTF-16 units) of their own: é written as e + U+0301 takes two columns
    const c = 'cafe\u0301 = 1';
    expect(range16ToRegion(c, c.indexOf('='), c.indexOf('=') + 1, 'unicodeCodePoints')).toMatchObject({ startColumn: 7 });
  });

  it('refuses regions that do not fit the text, saying which property', () => {
    const t = 'a🎉b\nc\n';
    expect(regionToRange16(t, { startLine: 1, startColumn: 3 }, 'utf16CodeUnits')).toMatchObject({ ok: false, message: /startColumn 3 is not a character boundary of line 1 \(counted in UTF-16 code units\)/ });
    expect(regionToRange16(t, { startLine: 1, startColumn: 3 }, 'unicodeCodePoints')).toMatchObject({ ok: true, start16: 3 });
    expect(regionToRange16(t, { startLine: 9 }, 'utf16CodeUnits')).toMatchObject({ ok: false, message: /line 9 is past the end of the file \(3 lines\)/ });
    expect(regionToRange16(t, { startLine: 1, startColumn: 40 }, 'utf16CodeUnits')).toMatchObject({ ok: false, message: /startColumn 40/ });
    expect(regionToRange16(t, { startLine: 2, endLine: 1 }, 'utf16CodeUnits')).toMatchObject({ ok: false, message: /endLine 1 is before startLine 2/ });
    expect(regionToRange16(t, { startLine: 1, startColumn: 3, endColumn: 2 }, 'unicodeCodePoints')).toMatchObject({ ok: false, message: /ends .* before it starts/ });
    expect(regionToRange16(t, { startLine: 0 }, 'utf16CodeUnits')).toMatchObject({ ok: false, message: /startLine must be a whole number ≥ 1/ });
    expect(regionToRange16(t, {}, 'utf16CodeUnits')).toMatchObject({ ok: false, message: /neither startLine nor charOffset/ });
    expect(regionToRange16(t, { charOffset: 2, charLength: 1 }, 'utf16CodeUnits')).toMatchObject({ ok: false, message: /charOffset 2/ });
  });
});
