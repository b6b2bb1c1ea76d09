import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { JsonShapeScanner, MAX_JSON_DEPTH, checkJsonShape, parseUntrustedJson } from '../../shared/json-shape.js';

/** Depth and container count of a parsed value: the reference the scanner must agree with. */
function shape(value: unknown, depth = 0): { depth: number; containers: number } {
  if (value === null || typeof value !== 'object') return { depth, containers: 0 };
  const children = Array.isArray(value) ? value : Object.values(value as Record<string, unknown>);
  let deepest = depth + 1;
  let containers = 1;
  for (const c of children) {
    const s = shape(c, depth + 1);
    deepest = Math.max(deepest, s.depth);
    containers += s.containers;
  }
  return { depth: deepest, containers };
}

describe('JSON shape limits', () => {
  it('agrees with the parsed value on depth and container count, for any JSON, split anywhere, as bytes or text', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 8 }), fc.array(fc.nat(), { maxLength: 5 }), (value, cuts) => {
        const text = JSON.stringify(value);
        const { depth, containers } = shape(value);
        expect(checkJsonShape(text, { maxDepth: depth, maxContainers: containers })).toBeNull();
        if (depth > 0) expect(checkJsonShape(text, { maxDepth: depth - 1 })?.kind).toBe('depth');
        if (containers > 0) expect(checkJsonShape(text, { maxDepth: 99, maxContainers: containers - 1 })?.kind).toBe('containers');
        // streamed in pieces (UTF-8 bytes, cut even inside multi-byte characters): the same verdict
        const bytes = new TextEncoder().encode(text);
        const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
        const scanner = new JsonShapeScanner({ maxDepth: Math.max(0, depth - 1) });
        let from = 0;
        for (const p of [...points, bytes.length]) {
          scanner.push(bytes.subarray(from, p));
          from = p;
        }
        expect(scanner.problem?.kind ?? null).toBe(depth > 0 ? 'depth' : null);
      }),
      { numRuns: 300 },
    );
  });

  it('tracks strings across chunk boundaries at every cut point, through runs of backslashes and quotes', () => {
    const tricky = fc.stringMatching(/^[\\"[\]{}a]{0,8}$/);
    fc.assert(
      fc.property(fc.array(tricky, { minLength: 1, maxLength: 3 }), (strings) => {
        const value = { a: [...strings, [strings[0], { b: [[strings.at(-1)]] }]] };
        const text = JSON.stringify(value);
        const { depth } = shape(value);
        const bytes = new TextEncoder().encode(text);
        for (let cut = 0; cut <= text.length; cut++) {
          for (const [one, two] of [
            [text.slice(0, cut), text.slice(cut)],
            [bytes.subarray(0, cut), bytes.subarray(cut)],
          ] as const) {
            const exact = new JsonShapeScanner({ maxDepth: depth });
            exact.push(one);
            expect(exact.push(two)).toBeNull();
            const tight = new JsonShapeScanner({ maxDepth: depth - 1 });
            tight.push(one);
            tight.push(two);
            expect(tight.problem?.kind).toBe('depth');
          }
        }
      }),
      { numRuns: 200 },
    );
  });

  it('ignores brackets inside strings, escaped quotes included', () => {
    expect(checkJsonShape(JSON.stringify({ a: '[[[[{{{{\\"[[[' }), { maxDepth: 1 })).toBeNull();
    expect(checkJsonShape('["\\\\", [[]]]', { maxDepth: 2 })?.offset).toBe(8);
  });

  it('refuses deep nesting before JSON.parse builds it, naming the character', () => {
    const deep = `${'['.repeat(1_000_000)}${']'.repeat(1_000_000)}`;
    expect(() => parseUntrustedJson(deep)).toThrow(new SyntaxError(`JSON nested deeper than ${MAX_JSON_DEPTH} levels (at character 65)`));
    expect(parseUntrustedJson('{"a":[1,{"b":null}]}')).toEqual({ a: [1, { b: null }] });
    expect(() => parseUntrustedJson('{"a":')).toThrow(SyntaxError);
  });
});
