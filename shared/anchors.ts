import type { Anchor } from './task-format.js';

/**
 * An anchor resolved against its text. Ranges are half-open; `start`/`end` count Unicode code
 * points (the task format's unit, Python string indices), `start16`/`end16` UTF-16 code units (what
 * JavaScript strings, the DOM and Monaco use). `lines` are the 1-based inclusive lines covered.
 */
export interface ResolvedAnchor {
  readonly start: number;
  readonly end: number;
  readonly start16: number;
  readonly end16: number;
  readonly lines: readonly [number, number];
  /** For code diffs: which text the anchor points into. */
  readonly side: 'output' | 'base';
}

/** Why an anchor could not be resolved; `path` is relative to the anchor. */
export interface AnchorError {
  readonly path: string;
  readonly message: string;
}

/** The result of resolving one anchor. */
export type AnchorResolution = { readonly ok: true; readonly value: ResolvedAnchor } | { readonly ok: false; readonly error: AnchorError };

const surrogate = /[\uD800-\uDFFF]/;
const surrogatePair = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

/** Converts between code-point and UTF-16 offsets of one string, and finds lines. */
export class TextIndex {
  readonly text: string;
  /** Code-point count. */
  readonly length: number;
  private readonly astral: number[] = []; // UTF-16 offsets of surrogate pairs, ascending
  private readonly lineStarts16: number[] = [0];

  constructor(text: string) {
    this.text = text;
    // Native scans instead of a per-character loop: this runs for every task of an import.
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.lineStarts16.push(i + 1);
    if (surrogate.test(text)) {
      // left-to-right, non-overlapping: a lone surrogate counts as one code point of its own
      for (const m of text.matchAll(surrogatePair)) this.astral.push(m.index);
    }
    this.length = text.length - this.astral.length;
  }

  /** Number of lines (a trailing newline does not start another line). */
  get lineCount(): number {
    const n = this.lineStarts16.length;
    return n > 1 && this.lineStarts16[n - 1] === this.text.length ? n - 1 : n;
  }

  /** UTF-16 offset of a code-point offset. */
  toUtf16(cp: number): number {
    // each surrogate pair before the target adds one extra unit
    let lo = 0;
    let hi = this.astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.astral[mid]! - mid < cp) lo = mid + 1;
      else hi = mid;
    }
    return cp + lo;
  }

  /** Code-point offset of a UTF-16 offset (an offset inside a pair counts as its start). */
  toCodePoint(u16: number): number {
    let lo = 0;
    let hi = this.astral.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.astral[mid]! < u16) lo = mid + 1;
      else hi = mid;
    }
    // lo = pairs starting before u16; an offset inside a pair lands on the pair's code point
    return u16 - lo;
  }

  /** 1-based line of a UTF-16 offset. */
  lineAt16(u16: number): number {
    let lo = 0;
    let hi = this.lineStarts16.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts16[mid]! <= u16) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  /** UTF-16 range [start, end) of 1-based inclusive lines, without the final newline. */
  linesRange16(first: number, last: number): [number, number] {
    const start = this.lineStarts16[first - 1]!;
    const next = this.lineStarts16[last];
    const end = next === undefined ? this.text.length : next - 1;
    return [start, Math.max(start, end)];
  }
}

function fromUtf16(index: TextIndex, start16: number, end16: number, side: 'output' | 'base'): ResolvedAnchor {
  const lastChar16 = Math.max(start16, end16 - 1);
  return {
    start: index.toCodePoint(start16),
    end: index.toCodePoint(end16),
    start16,
    end16,
    lines: [index.lineAt16(start16), index.lineAt16(lastChar16)],
    side,
  };
}

function allIndexesOf(text: string, needle: string): number[] {
  const found: number[] = [];
  for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + 1)) found.push(i);
  return found;
}

/**
 * Resolves an anchor against `text` (the output, or `base` for `side: "base"`, or the document for
 * evidence). A quote must match exactly one place once prefix and suffix are taken into account.
 */
export function resolveAnchor(anchor: Anchor, text: string, options: { base?: string | null; index?: TextIndex } = {}): AnchorResolution {
  if ('lines' in anchor) {
    const side = anchor.side ?? 'output';
    if (side === 'base' && (options.base === undefined || options.base === null)) {
      return { ok: false, error: { path: 'side', message: 'side "base" needs a task with `base`' } };
    }
    const target = side === 'base' ? options.base! : text;
    const index = side === 'base' ? new TextIndex(target) : (options.index ?? new TextIndex(target));
    const [first, last] = anchor.lines;
    if (last > index.lineCount) {
      return { ok: false, error: { path: 'lines', message: `line ${last} is past the end (${index.lineCount} lines)` } };
    }
    const [s16, e16] = index.linesRange16(first, last);
    const r = fromUtf16(index, s16, e16, side);
    return { ok: true, value: { ...r, lines: [first, last] } };
  }
  const index = options.index ?? new TextIndex(text);
  if ('quote' in anchor) {
    const prefix = anchor.prefix ?? '';
    const suffix = anchor.suffix ?? '';
    const candidates = allIndexesOf(text, anchor.quote).filter(
      (i) => text.slice(Math.max(0, i - prefix.length), i) === prefix && text.startsWith(suffix, i + anchor.quote.length),
    );
    if (candidates.length === 0) {
      return { ok: false, error: { path: 'quote', message: `quote not found${prefix || suffix ? ' with that prefix/suffix' : ''}: ${JSON.stringify(anchor.quote.slice(0, 60))}` } };
    }
    if (candidates.length > 1) {
      return {
        ok: false,
        error: { path: 'quote', message: `quote matches ${candidates.length} places; add a prefix or suffix: ${JSON.stringify(anchor.quote.slice(0, 60))}` },
      };
    }
    const s16 = candidates[0]!;
    return { ok: true, value: fromUtf16(index, s16, s16 + anchor.quote.length, 'output') };
  }
  if (anchor.end > index.length) {
    return { ok: false, error: { path: 'end', message: `end ${anchor.end} is past the end of the text (${index.length} code points)` } };
  }
  if (anchor.start >= anchor.end) return { ok: false, error: { path: 'start', message: 'start must be less than end' } };
  return { ok: true, value: fromUtf16(index, index.toUtf16(anchor.start), index.toUtf16(anchor.end), 'output') };
}

/** True when two resolved text anchors share at least one code point. */
export function rangesOverlap(a: Pick<ResolvedAnchor, 'start' | 'end'>, b: Pick<ResolvedAnchor, 'start' | 'end'>): boolean {
  return a.start < b.end && b.start < a.end;
}

/** True when two resolved code anchors' line ranges on the same side intersect. */
export function linesOverlap(a: Pick<ResolvedAnchor, 'lines' | 'side'>, b: Pick<ResolvedAnchor, 'lines' | 'side'>): boolean {
  return a.side === b.side && a.lines[0] <= b.lines[1] && b.lines[0] <= a.lines[1];
}
