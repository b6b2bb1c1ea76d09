import { resolveAnchor, TextIndex } from '../../../../shared/anchors.js';
import type { Anchor } from '../../../../shared/task-format.js';

/** Turns a quote typed or selected in the output into an anchor, or explains why it can't. */
export function quoteToAnchor(output: string, quote: string, preferStart16?: number): { anchor: Anchor } | { error: string } {
  if (!quote) return { error: 'Empty quote.' };
  const found: number[] = [];
  for (let i = output.indexOf(quote); i !== -1; i = output.indexOf(quote, i + 1)) found.push(i);
  if (found.length === 0) return { error: 'That quote is not in the output. Copy it exactly, or leave it empty for the whole output.' };
  if (found.length === 1) return { anchor: { quote } };
  // Several places: a code-point range pins the one selected (or the first).
  const at = preferStart16 !== undefined && found.includes(preferStart16) ? preferStart16 : found[0]!;
  const index = new TextIndex(output);
  return { anchor: { start: index.toCodePoint(at), end: index.toCodePoint(at + quote.length) } };
}

/** Parses `12` or `12-14` against a text's line count. */
export function linesToAnchor(text: string, where: string, side: 'output' | 'base'): { anchor: Anchor } | { error: string } {
  const m = /^\s*(\d+)\s*(?:[-–:]\s*(\d+))?\s*$/.exec(where);
  if (!m) return { error: 'Write a line like 12, or a range like 12-14.' };
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  const count = new TextIndex(text).lineCount;
  if (a < 1 || b < a) return { error: 'The range must start at line 1 or later and not end before it starts.' };
  if (b > count) return { error: `Line ${b} is past the end (${count} lines).` };
  return { anchor: { lines: [a, b], ...(side === 'base' ? { side } : {}) } };
}

/** An anchor's place in the output (or base), or null. */
export function rangeOf(anchor: Anchor | undefined, output: string, base: string | null): { start16: number; end16: number; lines: readonly [number, number]; side: 'output' | 'base' } | null {
  if (!anchor) return null;
  const r = resolveAnchor(anchor, output, { base });
  return r.ok ? r.value : null;
}

/** How an anchor reads in a list: a short quote or a line range. */
export function describeAnchor(anchor: Anchor | undefined, output: string): string {
  if (!anchor) return 'whole output';
  if ('lines' in anchor) return `${anchor.side === 'base' ? 'old ' : ''}line${anchor.lines[0] === anchor.lines[1] ? ` ${anchor.lines[0]}` : `s ${anchor.lines[0]}–${anchor.lines[1]}`}`;
  const text = 'quote' in anchor ? anchor.quote : (() => {
    const index = new TextIndex(output);
    return output.slice(index.toUtf16(anchor.start), index.toUtf16(anchor.end));
  })();
  return `“${text.length > 60 ? `${text.slice(0, 57)}…` : text}”`;
}
