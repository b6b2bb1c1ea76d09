import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { LineSplitter, type LineEvent } from '../../../electron/backend/tasks/lines.js';

type Seen = { line: number; text: string } | { line: number; error: string };

function split(chunks: readonly Uint8Array[], max = 1024): Seen[] {
  const out: Seen[] = [];
  const s = new LineSplitter((e: LineEvent) => out.push('text' in e ? { line: e.line, text: e.text } : e), max);
  for (const c of chunks) s.push(c);
  s.end();
  return out;
}

/** Cuts `bytes` at the given offsets, reusing one scratch buffer as a file reader does. */
function chunked(bytes: Buffer, cuts: readonly number[]): Buffer[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of [...points, bytes.length]) {
    out.push(Buffer.from(bytes.subarray(prev, p)));
    prev = p;
  }
  return out;
}

describe('LineSplitter', () => {
  it('splits lines, strips \\r and a BOM on line 1, and keeps a last line without newline', () => {
    const bytes = Buffer.from('\uFEFF{"a":1}\r\n\n世界 🎉\nlast', 'utf8');
    expect(split([bytes])).toEqual([
      { line: 1, text: '{"a":1}' },
      { line: 2, text: '' },
      { line: 3, text: '世界 🎉' },
      { line: 4, text: 'last' },
    ]);
  });

  it('reports invalid UTF-8 and over-long lines by line number, and carries on', () => {
    const bytes = Buffer.concat([Buffer.from('ok\n'), Buffer.from([0x61, 0xc3, 0x28, 0x0a]), Buffer.from(`${'x'.repeat(50)}\nafter\n`)]);
    expect(split([bytes], 20)).toEqual([
      { line: 1, text: 'ok' },
      { line: 2, error: 'not valid UTF-8 (byte 2 of the line)' },
      { line: 3, error: 'line is longer than the limit of 20 bytes' },
      { line: 4, text: 'after' },
    ]);
  });

  it('gives the same lines however the bytes are chunked, multi-byte characters split included (property)', () => {
    const text = fc.array(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 8 }), fc.constantFrom('\n', '\r\n', '🎉', '世')), { maxLength: 30 });
    fc.assert(
      fc.property(text, fc.array(fc.nat(), { maxLength: 12 }), (parts, cuts) => {
        const bytes = Buffer.from(parts.join(''), 'utf8');
        expect(split(chunked(bytes, cuts), 1 << 20)).toEqual(split([bytes], 1 << 20));
      }),
      { numRuns: 500 },
    );
  });

  it('never buffers more than the limit of an over-long line', () => {
    const s = new LineSplitter(() => undefined, 1000);
    const chunk = Buffer.alloc(64 * 1024, 0x78);
    for (let i = 0; i < 100; i++) s.push(chunk); // 6.4 MB without a newline
    expect((s as unknown as { partBytes: number }).partBytes).toBe(0);
  });
});
