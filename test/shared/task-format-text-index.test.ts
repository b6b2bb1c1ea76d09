import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TextIndex } from '../../shared/anchors.js';

/** The obvious per-character definition that TextIndex's native scans must agree with. */
function reference(text: string): { length: number; toUtf16: number[]; lines: number[] } {
  const toUtf16: number[] = [];
  const lines: number[] = [];
  let line = 1;
  for (let i = 0; i < text.length; i++) {
    toUtf16.push(i);
    lines.push(line);
    const c = text.charCodeAt(i);
    const d = text.charCodeAt(i + 1);
    if (c >= 0xd800 && c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
      lines.push(line);
      i++;
    } else if (c === 0x0a) line++;
  }
  return { length: toUtf16.length, toUtf16, lines };
}

describe('TextIndex', () => {
  it('agrees with a per-character reference for any string, lone surrogates included (property)', () => {
    const unit = fc.oneof(
      fc.constantFrom('a', '\n', '世', '🎉', '\uD800', '\uDC00', '\r'),
      fc.string({ unit: 'grapheme', maxLength: 3 }),
    );
    fc.assert(
      fc.property(fc.array(unit, { maxLength: 40 }), (parts) => {
        const text = parts.join('');
        const index = new TextIndex(text);
        const ref = reference(text);
        expect(index.length).toBe(ref.length);
        ref.toUtf16.forEach((u16, cp) => expect(index.toUtf16(cp)).toBe(u16));
        for (let u = 0; u < text.length; u++) expect(index.lineAt16(u)).toBe(ref.lines[u]);
      }),
      { numRuns: 400 },
    );
  });
});
