// Lone surrogates: JSON may spell a UTF-16 surrogate alone ("\ud83c"), which JSON.parse turns into
// a string that is not Unicode text. SQLite would store it as invalid UTF-8 and every code-point
// offset after it (anchors!) would shift. Every path that parses JSON from a file or the API
// refuses such strings, naming the place.

const lone = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** The UTF-16 index of the first lone surrogate in `s`, or -1. */
export function loneSurrogateIndex(s: string): number {
  const m = lone.exec(s);
  return m ? m.index : -1;
}

/** Where a lone surrogate sits in a parsed JSON value: the path to the string (or key) and the index in it. */
export interface LoneSurrogate {
  /** Keys and list indices from the root; a key that itself holds one ends the path as `{key}`. */
  readonly path: readonly (string | number)[];
  readonly index: number;
  /** The surrogate as an escape, e.g. `\ud83c`. */
  readonly unit: string;
  /** True when the surrogate is in an object key rather than a string value. */
  readonly inKey: boolean;
}

function found(path: readonly (string | number)[], s: string, index: number, inKey: boolean): LoneSurrogate {
  return { path, index, unit: `\\u${s.charCodeAt(index).toString(16).padStart(4, '0')}`, inKey };
}

/**
 * The first lone surrogate in a parsed JSON value (strings and object keys, depth first), or
 * null. Iterative, so a deeply nested value cannot overflow the stack.
 */
export function findLoneSurrogate(value: unknown): LoneSurrogate | null {
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value, path: [] }];
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!;
    if (typeof v === 'string') {
      const i = loneSurrogateIndex(v);
      if (i >= 0) return found(path, v, i, false);
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, i] });
    } else if (v !== null && typeof v === 'object') {
      const keys = Object.keys(v);
      for (let i = keys.length - 1; i >= 0; i--) {
        const k = keys[i]!;
        const ki = loneSurrogateIndex(k);
        if (ki >= 0) return found([...path, k], k, ki, true);
        stack.push({ value: (v as Record<string, unknown>)[k], path: [...path, k] });
      }
    }
  }
  return null;
}

/** True when JSON text may spell a surrogate escape (`\uD800`–`\uDFFF`): a fast pre-check before {@link findLoneSurrogate}. */
export function mayHaveSurrogateEscape(jsonText: string): boolean {
  return /\\u[dD][89a-fA-F]/.test(jsonText);
}

/** The message for a lone surrogate (without the place). */
export function loneSurrogateMessage(s: LoneSurrogate): string {
  return `contains a lone surrogate ${s.unit}${s.inKey ? ' in a key' : ''} at character ${s.index + 1}: not valid Unicode text (a surrogate pair was cut in half?)`;
}
