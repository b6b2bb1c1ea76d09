/**
 * The task browser's search text: what the researcher types, turned into an SQLite FTS5 query that
 * can never be a syntax error or reach FTS5's operators, and the terms to highlight.
 *
 * Rules: words are separated by white space and all must match (in the title, the id or the text);
 * `"two words"` in double quotes is a phrase; the last word, unless it is followed by a space or is
 * a closed phrase, matches as a prefix (search as you type). Case and accents are ignored (the
 * index uses unicode61 with diacritics removed). Punctuation inside a word separates tokens the way
 * the index does: `bench-42` is the phrase "bench 42".
 */

/** At most this many words are used; the rest are ignored (and reported). */
export const MAX_SEARCH_TERMS = 16;
/** A word longer than this is cut (no token in the index is that long). */
export const MAX_TERM_LENGTH = 100;

/** A parsed search: the FTS5 query (null: nothing to search for) and the words typed. */
export interface ParsedSearch {
  /** The FTS5 MATCH expression, or null when the text holds nothing searchable. */
  readonly match: string | null;
  /** The words and phrases, as typed (for highlighting and messages). */
  readonly terms: readonly string[];
  /** Words dropped: past {@link MAX_SEARCH_TERMS}, or without a letter or digit. */
  readonly ignored: readonly string[];
}

const searchable = /[\p{L}\p{N}]/u;

/** Splits the typed text into words and "quoted phrases"; `open` marks a last word still being typed. */
function splitTerms(text: string): { term: string; open: boolean }[] {
  const out: { term: string; open: boolean }[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    if (text[i] === '"') {
      const close = text.indexOf('"', i + 1);
      if (close === -1) {
        out.push({ term: text.slice(i + 1), open: true });
        break;
      }
      out.push({ term: text.slice(i + 1, close), open: false });
      i = close + 1;
      continue;
    }
    let j = i;
    while (j < text.length && !/\s/.test(text[j]!) && text[j] !== '"') j++;
    out.push({ term: text.slice(i, j), open: j >= text.length });
    i = j;
  }
  return out;
}

/** Quotes a term as an FTS5 string (a phrase of its tokens): only `"` is special inside, and is doubled. */
function ftsString(term: string): string {
  return `"${term.replace(/"/g, '""')}"`;
}

/** Parses what the researcher typed into an FTS5 query (see the module comment for the rules). */
export function parseSearch(text: string): ParsedSearch {
  const terms: string[] = [];
  const ignored: string[] = [];
  const parts: string[] = [];
  // SECURITY: FTS5 reads its query as a C string: a NUL would end it inside a quoted term.
  for (const { term: raw, open } of splitTerms(text.normalize('NFC').replace(/\0/g, ' '))) {
    const term = Array.from(raw.trim()).slice(0, MAX_TERM_LENGTH).join('');
    if (!term) continue;
    if (!searchable.test(term) || parts.length >= MAX_SEARCH_TERMS) {
      ignored.push(term);
      continue;
    }
    terms.push(term);
    parts.push(open ? `${ftsString(term)} *` : ftsString(term));
  }
  return { match: parts.length ? parts.join(' ') : null, terms, ignored };
}

/** Folds a string for matching as the index does: lower case, accents removed, one UTF-16 unit per unit kept. */
function fold(text: string): string {
  // Per code unit, so that offsets into the folded text are offsets into the original.
  let out = '';
  for (const ch of text) {
    const base = ch.normalize('NFD').replace(/\p{M}+/gu, '').toLowerCase();
    out += base.length === ch.length ? base : ch.toLowerCase().length === ch.length ? ch.toLowerCase() : ch;
  }
  return out;
}

/** The tokens of the terms, folded, longest first (what a highlight looks for). */
export function highlightTokens(terms: readonly string[]): string[] {
  const tokens = new Set<string>();
  for (const t of terms) for (const tok of fold(t).split(/[^\p{L}\p{N}]+/u)) if (tok) tokens.add(tok);
  return [...tokens].sort((a, b) => b.length - a.length);
}

/** Where the search terms occur in `text` (UTF-16 ranges, in order, not overlapping): for highlighting. */
export function findTerms(text: string, terms: readonly string[], limit = 200): { start: number; end: number }[] {
  const tokens = highlightTokens(terms);
  if (tokens.length === 0) return [];
  const folded = fold(text);
  const hits: { start: number; end: number }[] = [];
  for (const tok of tokens) {
    for (let i = folded.indexOf(tok); i !== -1 && hits.length < limit * 4; i = folded.indexOf(tok, i + tok.length)) hits.push({ start: i, end: i + tok.length });
  }
  hits.sort((a, b) => a.start - b.start || b.end - a.end);
  const out: { start: number; end: number }[] = [];
  for (const h of hits) {
    const last = out[out.length - 1];
    if (last && h.start < last.end) continue;
    out.push(h);
    if (out.length >= limit) break;
  }
  return out;
}

/**
 * A one-line excerpt of `text` for a result row: around the first search term when there is one,
 * else its beginning; white space collapsed, at most about `width` characters, `…` where cut.
 */
export function snippet(text: string, terms: readonly string[], width = 160): string {
  const first = findTerms(text, terms, 1)[0];
  let start = 0;
  if (first && first.start > width / 3) start = first.start - Math.floor(width / 3);
  // never cut a surrogate pair in half
  if (start > 0 && /[\udc00-\udfff]/.test(text[start] ?? '')) start++;
  let end = Math.min(text.length, start + width);
  if (end < text.length && /[\udc00-\udfff]/.test(text[end] ?? '')) end++;
  const body = text.slice(start, end).replace(/\s+/g, ' ').trim();
  return `${start > 0 ? '…' : ''}${body}${end < text.length ? '…' : ''}`;
}
