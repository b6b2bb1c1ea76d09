import { resolveAnchor, TextIndex } from '../../../../shared/anchors.js';
import type { Anchor } from '../../../../shared/anchors.js';

/** Every UTF-16 offset where `quote` starts in `text`. */
export function occurrencesOf(text: string, quote: string): number[] {
  const found: number[] = [];
  if (!quote) return found;
  for (let i = text.indexOf(quote); i !== -1; i = text.indexOf(quote, i + 1)) found.push(i);
  return found;
}

/** Where in the output (UTF-16, half-open) the evaluator selected a quote, or where a flaw being changed points. */
export interface Pinned {
  readonly start16: number;
  readonly end16: number;
}

/**
 * Turns a quote typed or selected in the output into an anchor, or explains why it can't. A quote
 * that occurs once stays a quote; one that occurs several times becomes a code-point range at the
 * occurrence that lies within (else closest to) `pinned`, or at the first when nothing is pinned.
 */
export function quoteToAnchor(output: string, quote: string, pinned?: Pinned | null): { anchor: Anchor } | { error: string } {
  if (!quote) return { error: 'Empty quote.' };
  const found = occurrencesOf(output, quote);
  if (found.length === 0) return { error: 'That quote is not in the output. Copy it exactly, or leave it empty for the whole output.' };
  if (found.length === 1) return { anchor: { quote } };
  // How far an occurrence sticks out of the pinned range (0: inside it); ties go to the earlier.
  const outside = (i: number): number => (pinned ? Math.max(0, pinned.start16 - i) + Math.max(0, i + quote.length - pinned.end16) : 0);
  const at = found.reduce((best, i) => (outside(i) < outside(best) ? i : best));
  const index = new TextIndex(output);
  return { anchor: { start: index.toCodePoint(at), end: index.toCodePoint(at + quote.length) } };
}

/**
 * What the flaw form shows for an existing anchor: the full quoted text (never the shortened
 * display form) and where it is, or the line range and side.
 */
export function whereOfAnchor(anchor: Anchor | undefined, output: string, base: string | null): { where: string; pinned: Pinned | null; side: 'output' | 'base' } {
  if (!anchor) return { where: '', pinned: null, side: 'output' };
  if ('lines' in anchor) {
    const [a, b] = anchor.lines;
    return { where: a === b ? `${a}` : `${a}-${b}`, pinned: null, side: anchor.side ?? 'output' };
  }
  const r = rangeOf(anchor, output, base);
  if (!r) return { where: 'quote' in anchor ? anchor.quote : '', pinned: null, side: 'output' };
  return { where: output.slice(r.start16, r.end16), pinned: { start16: r.start16, end16: r.end16 }, side: 'output' };
}

/** Parses `12` or `12-14` against a text's line count. */
export function linesToAnchor(text: string, where: string, side: 'output' | 'base'): { anchor: Anchor } | { error: string } {
  const m = /^\s*(\d+)\s*(?:[-–:]\s*(\d+))?\s*$/.exec(where);
  if (!m) return { error: 'Write a line like 12, or a range like 12-14.' };
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  const count = new TextIndex(text).lineCount;
  if (a < 1 || b < a) return { error: 'The range must start at line 1 or later and not end before it starts.' };
  if (b > count) return { error: `Line ${b} is past the end (${count} line${count === 1 ? "" : "s"}).` };
  return { anchor: { lines: [a, b], ...(side === 'base' ? { side } : {}) } };
}

/** An anchor's place in the output (or base), or null. */
export function rangeOf(anchor: Anchor | undefined, output: string, base: string | null): { start16: number; end16: number; lines: readonly [number, number]; side: 'output' | 'base' } | null {
  if (!anchor) return null;
  const r = resolveAnchor(anchor, output, { base });
  return r.ok ? r.value : null;
}

/**
 * How an anchor reads in a list: a short quote or a line range, after its file in a multi-file
 * task (`src/a.py, line 3`; not with `withPath: false`, under a heading naming the file). `text`
 * is what a range anchor points into (the file's output then).
 */
export function describeAnchor(anchor: Anchor | undefined, text: string, options: { readonly withPath?: boolean } = {}): string {
  if (!anchor) return 'whole output';
  const where = anchor.path !== undefined && options.withPath !== false ? `${anchor.path}, ` : '';
  if ('lines' in anchor) return `${where}${anchor.side === 'base' ? 'old ' : ''}line${anchor.lines[0] === anchor.lines[1] ? ` ${anchor.lines[0]}` : `s ${anchor.lines[0]}–${anchor.lines[1]}`}`;
  const quoted = 'quote' in anchor ? anchor.quote : (() => {
    const index = new TextIndex(text);
    return text.slice(index.toUtf16(anchor.start), index.toUtf16(anchor.end));
  })();
  return `${where}“${quoted.length > 60 ? `${quoted.slice(0, 57)}…` : quoted}”`;
}
