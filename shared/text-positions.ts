// The one place where positions in a text are converted between units: Unicode code points (the task
// format's unit, Python string indices), UTF-16 code units (JavaScript strings, the DOM, Monaco) and
// UTF-8 bytes (Rust and Go tools); lines and columns; and SARIF's 1-based, endColumn-exclusive
// regions with their `columnKind` and `newlineSequences`. Anchors, the span checks of the
// Label Studio and Prodigy imports, and SARIF in and out all go through here
// (test/shared/text-positions.test.ts checks the round trips with emoji, combining marks and CRLF).

/** A unit that offsets and columns can count. */
export type TextUnit = 'utf16' | 'codePoint' | 'utf8';

const surrogate = /[\uD800-\uDFFF]/;
const surrogatePair = /[\uD800-\uDBFF][\uDC00-\uDFFF]/g;

const isHigh = (c: number): boolean => c >= 0xd800 && c <= 0xdbff;
const isLow = (c: number): boolean => c >= 0xdc00 && c <= 0xdfff;

/** True when UTF-16 offset `u16` of `text` splits a surrogate pair (it is not a character boundary). */
export function insidePair(text: string, u16: number): boolean {
  return u16 > 0 && u16 < text.length && isLow(text.charCodeAt(u16)) && isHigh(text.charCodeAt(u16 - 1));
}

/**
 * Converts between code-point and UTF-16 offsets of one string, and finds the task format's lines:
 * split at `\n` only (a `\r` before it belongs to the line; a trailing newline does not start
 * another line).
 */
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

  /** UTF-16 offset where 1-based `line` starts. */
  lineStart16(line: number): number {
    return this.lineStarts16[line - 1]!;
  }

  /** UTF-16 range [start, end) of 1-based inclusive lines, without the final newline. */
  linesRange16(first: number, last: number): [number, number] {
    const start = this.lineStarts16[first - 1]!;
    const next = this.lineStarts16[last];
    const end = next === undefined ? this.text.length : next - 1;
    return [start, Math.max(start, end)];
  }

  /** The UTF-16 offset `count` units of `unit` after `from16`, or null when that is inside a character or past `limit16`. */
  advance16(from16: number, count: number, unit: TextUnit, limit16 = this.text.length): number | null {
    return advance16(this.text, from16, count, unit, limit16);
  }
}

/** The UTF-8 length of the character starting at UTF-16 offset `i` and how many UTF-16 units it takes. */
function charAt(text: string, i: number): { units: number; bytes: number } {
  const c = text.charCodeAt(i);
  if (isHigh(c) && isLow(text.charCodeAt(i + 1))) return { units: 2, bytes: 4 };
  // a lone surrogate is one code point; it would be written as U+FFFD (3 bytes) in UTF-8
  return { units: 1, bytes: c < 0x80 ? 1 : c < 0x800 ? 2 : 3 };
}

/**
 * The UTF-16 offset `count` units of `unit` after `from16` in `text`, or null when that lands
 * inside a character (between the halves of a surrogate pair, inside a UTF-8 sequence) or past
 * `limit16`. Linear in the distance: used within a line, or for a single offset.
 */
export function advance16(text: string, from16: number, count: number, unit: TextUnit, limit16 = text.length): number | null {
  if (!Number.isSafeInteger(count) || count < 0 || from16 < 0 || from16 > limit16) return null;
  if (unit === 'utf16') {
    const to = from16 + count;
    return to > limit16 || insidePair(text, to) ? null : to;
  }
  let i = from16;
  let left = count;
  while (left > 0) {
    if (i >= limit16) return null;
    const ch = charAt(text, i);
    const step = unit === 'codePoint' ? 1 : ch.bytes;
    if (step > left) return null;
    left -= step;
    i += ch.units;
  }
  return i > limit16 ? null : i;
}

/** How many units of `unit` lie between two UTF-16 offsets of `text` (`from16 ≤ to16`, both character boundaries). */
export function measure(text: string, from16: number, to16: number, unit: TextUnit): number {
  if (unit === 'utf16') return to16 - from16;
  let n = 0;
  for (let i = from16; i < to16; ) {
    const ch = charAt(text, i);
    n += unit === 'codePoint' ? 1 : ch.bytes;
    i += ch.units;
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Lines with other line breaks (SARIF's newlineSequences), and SARIF regions.

/** SARIF's default `newlineSequences`: `\r\n` and `\n` end a line; a lone `\r` does not. */
export const SARIF_DEFAULT_NEWLINES: readonly string[] = ['\r\n', '\n'];

/**
 * The lines of a text split at the given newline sequences, matched greedily in the order given at
 * each position (SARIF's `run.newlineSequences`). With the default (`\r\n`, `\n`) the lines
 * are those of the task format (split at `\n`), but a line's content excludes a `\r` before its `\n`.
 */
export class LineTable {
  private readonly starts: number[] = [0];
  private readonly contentEnds: number[] = [];

  constructor(
    readonly text: string,
    newlines: readonly string[] = SARIF_DEFAULT_NEWLINES,
  ) {
    const seqs = newlines.filter((s) => s.length > 0);
    const firsts = new Set(seqs.map((s) => s.charCodeAt(0)));
    for (let i = 0; i < text.length; ) {
      if (firsts.has(text.charCodeAt(i))) {
        const seq = seqs.find((s) => text.startsWith(s, i));
        if (seq) {
          this.contentEnds.push(i);
          i += seq.length;
          this.starts.push(i);
          continue;
        }
      }
      i++;
    }
    this.contentEnds.push(text.length);
  }

  /** Number of lines, counting an empty last line after a final newline (SARIF counts it: an insertion point at the very end is on it). */
  get count(): number {
    return this.starts.length;
  }

  /** UTF-16 offset where 1-based `line` starts. */
  start16(line: number): number {
    return this.starts[line - 1]!;
  }

  /** UTF-16 offset where the content of `line` ends (before its newline sequence). */
  contentEnd16(line: number): number {
    return this.contentEnds[line - 1]!;
  }

  /** UTF-16 offset where the next line starts (the text's end for the last line). */
  end16(line: number): number {
    return this.starts[line] ?? this.text.length;
  }

  /** 1-based line holding UTF-16 offset `u16` (an offset in a newline sequence belongs to the line it ends). */
  lineAt16(u16: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= u16) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

/** SARIF's `columnKind`: the unit of `startColumn`/`endColumn` (and of `charOffset`/`charLength`). */
export type ColumnKind = 'utf16CodeUnits' | 'unicodeCodePoints';

/** The text unit of a SARIF column kind. */
export function columnUnit(kind: ColumnKind): TextUnit {
  return kind === 'utf16CodeUnits' ? 'utf16' : 'codePoint';
}

/** The text properties of a SARIF `region` object (the binary ones are not read). */
export interface SarifTextRegion {
  readonly startLine?: number;
  readonly startColumn?: number;
  readonly endLine?: number;
  readonly endColumn?: number;
  readonly charOffset?: number;
  readonly charLength?: number;
}

/** A SARIF text region as a UTF-16 range of the text; `columns` is false when it gave whole lines only. */
export type RegionRange = { readonly ok: true; readonly start16: number; readonly end16: number; readonly columns: boolean } | { readonly ok: false; readonly message: string };

const positiveInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 1;

/**
 * Resolves a SARIF text region against `text`: line/column properties (1-based; `endColumn` one past
 * the last character; a missing `startColumn` is 1, `endLine` is `startLine`, `endColumn` the end of
 * `endLine` without its newline sequence), else `charOffset`/`charLength`. Columns count `kind`'s
 * unit. A column that falls inside a character or past its line is an error naming it.
 */
export function regionToRange16(text: string, region: SarifTextRegion, kind: ColumnKind, lines: LineTable = new LineTable(text)): RegionRange {
  const unit = columnUnit(kind);
  const unitName = kind === 'utf16CodeUnits' ? 'UTF-16 code units' : 'code points';
  if (region.startLine !== undefined) {
    const { startLine } = region;
    if (!positiveInt(startLine)) return { ok: false, message: `startLine must be a whole number ≥ 1 (got ${JSON.stringify(startLine)})` };
    const endLine = region.endLine ?? startLine;
    if (!positiveInt(endLine)) return { ok: false, message: `endLine must be a whole number ≥ 1 (got ${JSON.stringify(region.endLine)})` };
    if (endLine < startLine) return { ok: false, message: `endLine ${endLine} is before startLine ${startLine}` };
    if (endLine > lines.count) return { ok: false, message: `line ${endLine} is past the end of the file (${lines.count} lines)` };
    const startColumn = region.startColumn ?? 1;
    if (!positiveInt(startColumn)) return { ok: false, message: `startColumn must be a whole number ≥ 1 (got ${JSON.stringify(region.startColumn)})` };
    const start16 = advance16(text, lines.start16(startLine), startColumn - 1, unit, lines.end16(startLine));
    if (start16 === null) return { ok: false, message: `startColumn ${startColumn} is not a character boundary of line ${startLine} (counted in ${unitName})` };
    let end16: number | null;
    if (region.endColumn === undefined) end16 = lines.contentEnd16(endLine);
    else {
      if (!positiveInt(region.endColumn)) return { ok: false, message: `endColumn must be a whole number ≥ 1 (got ${JSON.stringify(region.endColumn)})` };
      end16 = advance16(text, lines.start16(endLine), region.endColumn - 1, unit, lines.end16(endLine));
      if (end16 === null) return { ok: false, message: `endColumn ${region.endColumn} is not a character boundary of line ${endLine} (counted in ${unitName})` };
    }
    if (end16 < start16) return { ok: false, message: `the region ends (line ${endLine}, column ${region.endColumn ?? 'end'}) before it starts (line ${startLine}, column ${startColumn})` };
    return { ok: true, start16, end16, columns: region.startColumn !== undefined || region.endColumn !== undefined };
  }
  if (region.charOffset !== undefined && region.charOffset !== -1) {
    const { charOffset } = region;
    const charLength = region.charLength ?? 0;
    if (typeof charOffset !== 'number' || !Number.isSafeInteger(charOffset) || charOffset < 0) return { ok: false, message: `charOffset must be a whole number ≥ 0 (got ${JSON.stringify(charOffset)})` };
    if (typeof charLength !== 'number' || !Number.isSafeInteger(charLength) || charLength < 0) return { ok: false, message: `charLength must be a whole number ≥ 0 (got ${JSON.stringify(region.charLength)})` };
    const start16 = advance16(text, 0, charOffset, unit);
    if (start16 === null) return { ok: false, message: `charOffset ${charOffset} is past the end of the file or inside a character (counted in ${unitName})` };
    const end16 = advance16(text, start16, charLength, unit);
    if (end16 === null) return { ok: false, message: `charOffset ${charOffset} + charLength ${charLength} is past the end of the file or inside a character (counted in ${unitName})` };
    return { ok: true, start16, end16, columns: true };
  }
  return { ok: false, message: 'the region has neither startLine nor charOffset (a binary region cannot point into a text file)' };
}

/** A SARIF region with explicit lines and columns (in `kind`'s unit) for the UTF-16 range [start16, end16) of `text`. */
export function range16ToRegion(
  text: string,
  start16: number,
  end16: number,
  kind: ColumnKind,
  lines: LineTable = new LineTable(text),
): { startLine: number; startColumn: number; endLine: number; endColumn: number } {
  const unit = columnUnit(kind);
  const startLine = lines.lineAt16(start16);
  const endLine = lines.lineAt16(end16);
  return {
    startLine,
    startColumn: measure(text, lines.start16(startLine), start16, unit) + 1,
    endLine,
    endColumn: measure(text, lines.start16(endLine), end16, unit) + 1,
  };
}
