// SECURITY: an API key never reaches a log, an error message, the database, an export or a pack.
// Endpoints echo keys back ("Incorrect API key provided: sk-ab***wxyz", a reflected Authorization
// header): every text that came from an endpoint passes through here before anyone sees it.

/** What a redacted part of a text is replaced with. */
export const REDACTED = '[redacted]';

/** The shortest piece of a key that is redacted when it appears on its own (a masked echo shows a prefix and a suffix). */
const minFragment = 6;

/**
 * `text` with the key removed: every occurrence of the key, and every run of at least 6 characters
 * that is a piece of it (an endpoint's masked echo shows the key's start and end), becomes
 * `[redacted]`. A key shorter than 6 characters is removed only where it occurs whole.
 */
export function redactKey(text: string, key: string | null | undefined): string {
  if (!key) return text;
  let out = text.split(key).join(REDACTED);
  if (key.length < minFragment) return out;
  // longest piece of the key starting at each position; O(text × key), texts here are short (capped by callers)
  let result = '';
  let i = 0;
  while (i < out.length) {
    let best = 0;
    if (i + minFragment <= out.length && key.includes(out.slice(i, i + minFragment))) {
      best = minFragment;
      while (i + best < out.length && key.includes(out.slice(i, i + best + 1))) best++;
    }
    if (best >= minFragment) {
      result += REDACTED;
      i += best;
    } else {
      result += out[i];
      i++;
    }
  }
  out = result;
  return out;
}

/** An endpoint's text cut to a readable length, with the key redacted. */
export function endpointText(text: string, key: string | null | undefined, max = 500): string {
  const cut = text.length > 4 * max ? text.slice(0, 4 * max) : text;
  const clean = redactKey(cut, key).replace(/\s+/g, ' ').trim();
  return clean.length > max ? `${clean.slice(0, max)}…` : clean;
}
