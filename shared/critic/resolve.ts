import { resolveAnchor, TextIndex, type ResolvedAnchor } from '../anchors.js';
import type { Anchor, Severity } from '../task-format.js';
import type { ModelCritique } from './answer.js';

// Every place a model claims is checked against the text: a quote becomes an anchor only where the
// text holds it. A quote that is not there is a hallucinated anchor: the critique is kept without
// an anchor, with the claimed quote in `unverified_quote`, so nothing ever highlights text that
// the output does not contain.

/** What a critique is checked against. */
export interface CritiqueTarget {
  readonly kind: 'summary' | 'code';
  readonly output: string;
  readonly base?: string | null;
  readonly document?: string | null;
}

/** A model critique after its quotes were checked against the task. */
export interface CheckedCritique {
  readonly text: string;
  readonly severity: Severity | null;
  readonly category: string | null;
  /** The model's confidence, in [0, 1]: the critique's score. */
  readonly score: number;
  /** An anchor that resolves in the output (or `base`), or null. */
  readonly anchor: Anchor | null;
  readonly resolved: ResolvedAnchor | null;
  /** The quote the model claimed when the output does not contain it. */
  readonly unverifiedQuote: string | null;
  /** The lines the model claimed when the output has no such lines. */
  readonly unverifiedLines: readonly [number, number] | null;
  /** Evidence quotes found in `context.document`, as anchors into it. */
  readonly evidence: readonly { readonly anchor: Anchor; readonly resolved: ResolvedAnchor }[];
  /** Evidence quotes the document does not contain. */
  readonly unverifiedEvidence: readonly string[];
}

/** True when the critique claimed a place in the output that is not there. */
export function isHallucinated(c: Pick<CheckedCritique, 'unverifiedQuote' | 'unverifiedLines'>): boolean {
  return c.unverifiedQuote !== null || c.unverifiedLines !== null;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Where `quote` occurs in `text` (UTF-16 offsets of the first occurrence): exactly, else with any
 * run of whitespace standing for any other (models re-wrap lines). Null when it does not occur.
 */
export function findQuote(text: string, quote: string): { start16: number; end16: number } | null {
  if (quote.length === 0) return null;
  const exact = text.indexOf(quote);
  if (exact >= 0) return { start16: exact, end16: exact + quote.length };
  const tokens = quote.trim().split(/\s+/).filter((t) => t.length > 0);
  if (tokens.length === 0) return null;
  // literal tokens joined by \s+: linear, no nested quantifiers
  const m = new RegExp(tokens.map(escapeRegExp).join('\\s+'), 'u').exec(text);
  return m ? { start16: m.index, end16: m.index + m[0].length } : null;
}

/**
 * An anchor for the UTF-16 range [s16, e16) of `text` that resolves to exactly that range: the
 * quote alone when it occurs once, else with enough of the text before it as `prefix`, else a
 * code-point range.
 */
export function anchorForRange(text: string, s16: number, e16: number, index: TextIndex = new TextIndex(text)): Anchor {
  const quote = text.slice(s16, e16);
  const candidates: Anchor[] = [{ quote }];
  for (const n of [16, 32, 64, 128, 256]) {
    if (n > s16 && candidates.length > 1) break;
    candidates.push({ quote, prefix: text.slice(Math.max(0, s16 - n), s16) });
  }
  for (const anchor of candidates) {
    const r = resolveAnchor(anchor, text, { index });
    if (r.ok && r.value.start16 === s16 && r.value.end16 === e16) return anchor;
  }
  return { start: index.toCodePoint(s16), end: index.toCodePoint(e16) };
}

/** Checks one model critique against the task: which of its claimed places the text holds. */
export function checkCritique(critique: ModelCritique, target: CritiqueTarget, indexes: { output?: TextIndex; document?: TextIndex } = {}): CheckedCritique {
  const outputIndex = indexes.output ?? new TextIndex(target.output);
  let anchor: Anchor | null = null;
  let resolved: ResolvedAnchor | null = null;
  let unverifiedQuote: string | null = null;
  let unverifiedLines: [number, number] | null = null;
  const quote = critique.quote ?? '';
  if (quote.trim() !== '') {
    const found = findQuote(target.output, quote);
    const base = target.base ?? null;
    const inBase = !found && base !== null ? findQuote(base, quote) : null;
    if (found) {
      anchor = anchorForRange(target.output, found.start16, found.end16, outputIndex);
    } else if (inBase && base !== null) {
      // a quote of deleted code in a diff: the lines it covers in `base`
      const baseIndex = new TextIndex(base);
      anchor = { lines: [baseIndex.lineAt16(inBase.start16), baseIndex.lineAt16(Math.max(inBase.start16, inBase.end16 - 1))], side: 'base' };
    } else {
      unverifiedQuote = quote;
    }
  } else if (critique.lines) {
    const [first, last] = critique.lines;
    if (first >= 1 && first <= last && last <= outputIndex.lineCount) anchor = { lines: [first, last] };
    else unverifiedLines = [first, last];
  }
  if (anchor) {
    const r = resolveAnchor(anchor, target.output, { base: target.base ?? null, index: outputIndex });
    if (r.ok) resolved = r.value;
    else {
      // cannot happen for anchors built above; never keep an anchor that does not resolve
      anchor = null;
      unverifiedQuote = quote || null;
    }
  }
  const evidence: { anchor: Anchor; resolved: ResolvedAnchor }[] = [];
  const unverifiedEvidence: string[] = [];
  const document = target.document ?? null;
  let docIndex = indexes.document;
  for (const e of critique.evidence ?? []) {
    if (e.trim() === '') continue;
    const found = document !== null ? findQuote(document, e) : null;
    if (!found || document === null) {
      unverifiedEvidence.push(e);
      continue;
    }
    docIndex ??= new TextIndex(document);
    const a = anchorForRange(document, found.start16, found.end16, docIndex);
    const r = resolveAnchor(a, document, { index: docIndex });
    if (r.ok) evidence.push({ anchor: a, resolved: r.value });
    else unverifiedEvidence.push(e);
  }
  return {
    text: critique.text,
    severity: critique.severity ?? null,
    category: critique.category ? critique.category : null,
    score: critique.confidence,
    anchor,
    resolved,
    unverifiedQuote,
    unverifiedLines,
    evidence,
    unverifiedEvidence,
  };
}
