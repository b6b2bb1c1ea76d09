import { advance16, insidePair, type TextIndex } from '../../../../shared/text-positions.js';
import { loneSurrogateIndex } from '../../../../shared/unicode.js';

// Span offsets from annotation tools. Label Studio and Prodigy count Unicode code points (Python
// string indices), as Assay does; but JavaScript tools count UTF-16 units and Rust or Go tools UTF-8
// bytes, and Label Studio's own users still report emoji offset bugs. So every span that carries its
// text is checked against it: the offsets are code points when the text is there; they are repaired
// when they are plainly UTF-16 units or UTF-8 bytes (the text is there under that reading only);
// otherwise the span is refused.

/** The outcome of checking one span. */
export type SpanCheck =
  | { readonly ok: true; readonly start: number; readonly end: number; readonly repaired?: string }
  | { readonly ok: false; readonly message: string };

const show = (s: string): string => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}…` : s);

/**
 * Checks a span `[start, end)` of `text` against the text it claims to cover (`expected`, when the
 * file gives it). Returns code-point offsets, saying when they were repaired and from what.
 */
export function checkSpan(text: string, index: TextIndex, start: unknown, end: unknown, expected: unknown): SpanCheck {
  if (typeof start !== 'number' || typeof end !== 'number' || !Number.isInteger(start) || !Number.isInteger(end)) {
    return { ok: false, message: `start and end must be whole numbers (got ${JSON.stringify(start)} and ${JSON.stringify(end)})` };
  }
  if (start < 0 || end <= start) return { ok: false, message: `an empty or reversed span: start ${start}, end ${end}` };
  const cpSlice = end <= index.length ? text.slice(index.toUtf16(start), index.toUtf16(end)) : undefined;
  if (expected === undefined || expected === null) {
    if (cpSlice === undefined) return { ok: false, message: `end ${end} is past the end of the text (${index.length} code points)` };
    return { ok: true, start, end };
  }
  if (typeof expected !== 'string') return { ok: false, message: `the span's text must be a string (got ${typeof expected})` };
  if (cpSlice === expected) return { ok: true, start, end };
  // UTF-16 units, then UTF-8 bytes: the one conversion module decides where such offsets fall
  if (end <= text.length && !insidePair(text, start) && !insidePair(text, end) && text.slice(start, end) === expected) {
    const s = index.toCodePoint(start);
    const e = index.toCodePoint(end);
    return { ok: true, start: s, end: e, repaired: `offsets ${start}–${end} count UTF-16 units (the text has characters outside the BMP, such as emoji, before them): repaired to code points ${s}–${e}` };
  }
  const s8 = advance16(text, 0, start, 'utf8');
  const e8 = s8 === null ? null : advance16(text, s8, end - start, 'utf8');
  if (s8 !== null && e8 !== null && text.slice(s8, e8) === expected && loneSurrogateIndex(text.slice(0, e8)) === -1) {
    const s = index.toCodePoint(s8);
    const e = index.toCodePoint(e8);
    return { ok: true, start: s, end: e, repaired: `offsets ${start}–${end} count UTF-8 bytes: repaired to code points ${s}–${e}` };
  }
  const at: number[] = [];
  for (let i = text.indexOf(expected); i !== -1 && at.length < 3; i = text.indexOf(expected, i + 1)) at.push(index.toCodePoint(i));
  const where = at.length === 0 ? 'it does not occur in the text' : `it occurs at code point${at.length > 1 ? 's' : ''} ${at.join(', ')}${at.length === 3 ? ', …' : ''}`;
  return {
    ok: false,
    message: `the text at ${start}–${end} is ${cpSlice === undefined ? `past the end (${index.length} code points)` : show(cpSlice)}, not ${show(expected)} as the span says (${where}); fix the offsets or the text`,
  };
}
