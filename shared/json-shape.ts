// Limits on the shape of untrusted JSON, checked before JSON.parse builds anything. JSON.parse is
// iterative in V8, so a deeply nested text does not overflow the stack there: it quietly builds an
// object graph many times the size of the text (62 MB of nested arrays took 3.1 GB), and every
// recursive walk after it (zod, canonical JSON) then overflows. A linear scan of the text is cheap.

/** Deepest nesting of arrays and objects accepted in any JSON that comes from outside. */
export const MAX_JSON_DEPTH = 64;

/** What {@link JsonShapeScanner} checks. */
export interface JsonShapeLimits {
  /** Deepest nesting of arrays and objects. */
  readonly maxDepth: number;
  /** Most arrays and objects in the whole text (unlimited when absent). */
  readonly maxContainers?: number;
}

/** Why a JSON text breaks its limits; `offset` counts the units pushed (bytes or UTF-16 code units). */
export interface JsonShapeProblem {
  readonly kind: 'depth' | 'containers';
  readonly offset: number;
  readonly message: string;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;

/**
 * A streaming check of nesting depth and container count, fed UTF-8 bytes or text. It tracks only
 * strings and brackets (the structural characters are ASCII, never part of a multi-byte UTF-8
 * sequence), so it works on chunks split anywhere and never validates the JSON itself:
 * JSON.parse does that afterwards, on a text now known to be shallow.
 */
export class JsonShapeScanner {
  private depth = 0;
  private containers = 0;
  private inString = false;
  private escaped = false;
  private offset = 0;
  private found: JsonShapeProblem | null = null;

  constructor(private readonly limits: JsonShapeLimits) {}

  /** The first problem seen, or null. */
  get problem(): JsonShapeProblem | null {
    return this.found;
  }

  /** Feeds the next chunk; returns the first problem seen so far (scanning stops at it). */
  push(chunk: Uint8Array | string): JsonShapeProblem | null {
    if (this.found) return this.found;
    const text = typeof chunk === 'string';
    const at = text ? (i: number) => chunk.charCodeAt(i) : (i: number) => chunk[i]!;
    // indexOf is memchr-fast on both strings and byte arrays: strings (most of any real file) are
    // skipped a quote at a time instead of a character at a time.
    const nextQuote = (from: number): number => (text ? chunk.indexOf('"', from) : chunk.indexOf(QUOTE, from));
    const n = chunk.length;
    let i = 0;
    if (this.inString && this.escaped && n > 0) {
      this.escaped = false; // the previous chunk ended in a backslash: this character is escaped
      i = 1;
    }
    while (i < n) {
      if (this.inString) {
        const q = nextQuote(i);
        if (q < 0) {
          let k = n - 1;
          while (k >= i && at(k) === BACKSLASH) k--;
          this.escaped = (n - 1 - k) % 2 === 1;
          i = n;
          break;
        }
        let k = q - 1;
        while (k >= i && at(k) === BACKSLASH) k--;
        if ((q - 1 - k) % 2 === 0) this.inString = false; // an even run of backslashes escapes nothing
        i = q + 1;
        continue;
      }
      const c = at(i);
      if (c === QUOTE) {
        this.inString = true;
      } else if (c === OPEN_ARRAY || c === OPEN_OBJECT) {
        this.depth++;
        this.containers++;
        if (this.depth > this.limits.maxDepth) return this.fail('depth', i, `JSON nested deeper than ${this.limits.maxDepth} levels`);
        if (this.limits.maxContainers !== undefined && this.containers > this.limits.maxContainers) {
          return this.fail('containers', i, `JSON with more than ${this.limits.maxContainers} arrays and objects`);
        }
      } else if ((c === CLOSE_ARRAY || c === CLOSE_OBJECT) && this.depth > 0) {
        this.depth--;
      }
      i++;
    }
    this.offset += n;
    return null;
  }

  private fail(kind: JsonShapeProblem['kind'], index: number, message: string): JsonShapeProblem {
    this.found = { kind, offset: this.offset + index, message };
    return this.found;
  }
}

/** Checks a whole JSON text; null when it is within the limits. */
export function checkJsonShape(text: string, limits: JsonShapeLimits = { maxDepth: MAX_JSON_DEPTH }): JsonShapeProblem | null {
  return new JsonShapeScanner(limits).push(text);
}

/**
 * JSON.parse for untrusted text: refuses a text nested deeper than the limit before building
 * anything. Throws a SyntaxError (like JSON.parse) whose message names the character.
 */
export function parseUntrustedJson(text: string, limits: JsonShapeLimits = { maxDepth: MAX_JSON_DEPTH }): unknown {
  const problem = checkJsonShape(text, limits);
  if (problem) throw new SyntaxError(`${problem.message} (at character ${problem.offset + 1})`);
  return JSON.parse(text) as unknown;
}
