import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { FieldMapError, mapTargets, parseFieldMap } from '../../../electron/backend/tasks/sources/field-map.js';
import { importFile } from '../../../electron/backend/tasks/import.js';
import { findSource, importFromSource } from '../../../electron/backend/tasks/sources/index.js';
import { tempDb } from '../../helpers/db.js';
import { dumpDatabase } from '../../helpers/dump.js';
import { writeParquetWithDuckDb } from '../../helpers/duckdb.js';
import { tempDir } from '../../helpers/temp.js';

// Hostile or careless files at the `--from` boundary: a valid file of each source, changed at random
// (bytes replaced, inserted or cut; truncated). Whatever comes in, the import returns a report —
// never throws, never hangs — and a refused file leaves the database exactly as it was.

const valid: Record<string, { name: string; text: string; map?: string }> = {
  csv: { name: 'f.csv', text: 'uid,summary,doc\n1,"A ""quoted"" 🎉, summary","Doc\nwith lines"\n2,Plain,Doc two\n', map: 'id=uid,output=summary,context.document=doc' },
  jsonl: { name: 'f.jsonl', text: '{"uid":1,"s":"One 🎉","d":{"a":"Doc"}}\n{"uid":2,"s":"Two","d":{"a":"Doc 2"}}\n', map: 'id=uid,output=s,context.document=d.a' },
  labelstudio: {
    name: 'f.json',
    text: JSON.stringify([
      { id: 1, data: { text: 'Le 🎉 bridge closed for a year.' }, predictions: [{ model_version: 'm', result: [{ id: 'r', from_name: 'critique', to_name: 'text', type: 'labels', value: { start: 17, end: 27, text: 'for a year', labels: ['L'] } }] }] },
      { id: 2, data: { text: 'Second.' } },
    ]),
  },
  prodigy: {
    name: 'f.jsonl',
    text: `${JSON.stringify({ text: 'The 🎉 mayor resigned.', spans: [{ start: 6, end: 11, label: 'X', text: 'mayor' }], _input_hash: 1, answer: 'accept', _annotator_id: 'a', _timestamp: 1767600000 })}\n${JSON.stringify({ text: 'Other.', label: 'Y', _input_hash: 2 })}\n`,
  },
};

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), bytes: fc.constantFrom(...['"', '\n', ',', '[', ']', '{', '}', '\\', '\r\n', '\ufeff', '\\ud83c'].map((s) => Buffer.from(s))) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 20 }) }),
);

type Change = { readonly kind: string; readonly at: number; readonly bytes?: Uint8Array; readonly length?: number };

function mutate(bytes: Buffer, changes: readonly Change[]): Buffer {
  let b = bytes;
  for (const c of changes) {
    const at = b.length === 0 ? 0 : c.at % b.length;
    if (c.kind === 'replace') b = Buffer.concat([b.subarray(0, at), Buffer.from(c.bytes!), b.subarray(at + c.bytes!.length)]);
    else if (c.kind === 'insert') b = Buffer.concat([b.subarray(0, at), Buffer.from(c.bytes!), b.subarray(at)]);
    else b = Buffer.concat([b.subarray(0, at), b.subarray(at + c.length!)]);
  }
  return b;
}

describe('sources under random damage', () => {
  for (const [source, sample] of Object.entries(valid)) {
    it(`--from ${source}: a report, never an exception; a refused file changes nothing`, async () => {
      const { db } = tempDb();
      const dir = tempDir();
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), async (changes, dryRun) => {
          const file = path.join(dir, `${n++}-${sample.name}`);
          fs.writeFileSync(file, mutate(Buffer.from(sample.text, 'utf8'), changes));
          const before = dumpDatabase(db);
          const report = await importFromSource(db, file, { source: findSource(source), map: sample.map, dryRun, replace: false });
          expect(typeof report.errorCount).toBe('number');
          if (report.errorCount > 0 || dryRun) expect(dumpDatabase(db)).toBe(before);
          for (const e of report.errors) expect(e.startsWith(file)).toBe(true);
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe('code-review sources under random damage (issue 14)', () => {
  const base = tempDir('assay-fuzz-base-');
  fs.mkdirSync(path.join(base, 'src'));
  fs.writeFileSync(path.join(base, 'src', 'a.py'), 'def f(x):\n    return x\n\nprint(f(1))\n');
  const patch = ['diff --git a/src/a.py b/src/a.py', '--- a/src/a.py', '+++ b/src/a.py', '@@ -1,2 +1,2 @@', ' def f(x):', '-    return x', '+    return x + 1 # 🎉', 'diff --git a/b.py b/b.py', 'new file mode 100644', '--- /dev/null', '+++ b/b.py', '@@ -0,0 +1 @@', '+y = 2', ''].join('\n');
  const sarif = JSON.stringify({
    version: '2.1.0',
    runs: [{ tool: { driver: { name: 'Lint', rules: [{ id: 'r1' }] } }, columnKind: 'utf16CodeUnits', results: [{ ruleId: 'r1', level: 'error', message: { text: 'Off by 🎉 one.' }, locations: [{ physicalLocation: { artifactLocation: { uri: 'file:///repo/src/a.py' }, region: { startLine: 2, startColumn: 5, endColumn: 11 } } }] }] }],
  });
  const cases = [
    { source: 'patch', name: 'f.patch', text: patch, options: { base } },
    { source: 'sarif', name: 'f.sarif', text: sarif, options: { task: 'pr' } },
  ];
  for (const c of cases) {
    it(`--from ${c.source}: a report, never an exception; a refused file changes nothing`, async () => {
      const { db } = tempDb();
      const seed = path.join(tempDir(), 'seed.jsonl');
      fs.writeFileSync(seed, `${JSON.stringify({ id: 'pr', kind: 'code', files: [{ path: 'src/a.py', base: 'def f(x):\n    return x\n', output: 'def f(x):\n    return x + 1 # 🎉\n' }] })}\n`);
      expect(importFile(db, seed).errors).toEqual([]);
      const dir = tempDir();
      let n = 0;
      await fc.assert(
        fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 4 }), fc.boolean(), async (changes, dryRun) => {
          const file = path.join(dir, `${n++}-${c.name}`);
          fs.writeFileSync(file, mutate(Buffer.from(c.text, 'utf8'), changes));
          const before = dumpDatabase(db);
          const report = await importFromSource(db, file, { source: findSource(c.source), dryRun, replace: false, sourceOptions: c.options });
          expect(typeof report.errorCount).toBe('number');
          if (report.errorCount > 0 || dryRun) expect(dumpDatabase(db)).toBe(before);
          for (const e of report.errors) expect(e.startsWith(file)).toBe(true);
        }),
        { numRuns: 60 },
      );
    });
  }
});

describe('Parquet under random damage', () => {
  it('--from parquet: a report, never an exception; a refused file changes nothing', async () => {
    // a real Parquet file (written by DuckDB: footer, row groups, zstd pages), then damaged at random;
    // damage near the footer and the page headers is where a reader could throw or allocate wildly
    const rows = Array.from({ length: 40 }, (_, i) => ({ uid: i + 1, summary: `Summary ${i} 🎉`, article: `Article ${i}` }));
    const sample = fs.readFileSync(await writeParquetWithDuckDb(rows, { rowGroupSize: 16, compression: 'zstd', select: 'uid::BIGINT AS uid, summary, article' }));
    const { db } = tempDb();
    const dir = tempDir();
    let n = 0;
    const nearEnd = fc.record({ kind: fc.constant('replace' as const), at: fc.integer({ min: sample.length - 64, max: sample.length - 1 }), bytes: fc.uint8Array({ minLength: 1, maxLength: 4 }) });
    // found by this test: the first byte cut leaves the footer readable and breaks the first page,
    // which hyparquet reports by throwing ("unsupported page type")
    const cut = path.join(dir, 'cut.parquet');
    fs.writeFileSync(cut, sample.subarray(1));
    const report = await importFromSource(db, cut, { source: findSource('parquet'), map: 'id=uid,output=summary', replace: false });
    expect(report.errors).toEqual([expect.stringMatching(new RegExp(`^${cut.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: \\(file\\): damaged Parquet data in the first row group: `))]);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(mutation, nearEnd), { minLength: 1, maxLength: 4 }), fc.boolean(), async (changes, dryRun) => {
        const file = path.join(dir, `${n++}-f.parquet`);
        fs.writeFileSync(file, mutate(sample, changes));
        const before = dumpDatabase(db);
        const report = await importFromSource(db, file, { source: findSource('parquet'), map: 'id=uid,output=summary,context.document=article', dryRun, replace: false });
        expect(typeof report.errorCount).toBe('number');
        if (report.errorCount > 0 || dryRun) expect(dumpDatabase(db)).toBe(before);
        for (const e of report.errors) expect(e.startsWith(file)).toBe(true);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});

describe('--map parsing', () => {
  it('property: any text is a list of mappings to known targets, or a FieldMapError naming the character', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('o', 'u', 't', 'p', '=', ',', '"', "'", ' ', '.', 'c', 'x', 'meta', 'context', 'output', 'id') }), (spec) => {
        try {
          const mappings = parseFieldMap(spec);
          for (const m of mappings) expect(/^(id|kind|title|output|language|base|critiques|flaws|context\.[^.]+|meta\.[^.]+)$/.test(m.target)).toBe(true);
          expect(new Set(mappings.map((m) => m.target)).size).toBe(mappings.length);
        } catch (err) {
          expect(err).toBeInstanceOf(FieldMapError);
          expect((err as Error).message).toMatch(/^--map: /);
        }
      }),
      { numRuns: 2000 },
    );
    expect(mapTargets).toContain('context.document');
  });

  it('reads quoted columns and constants', () => {
    expect(parseFieldMap(`output="my, ""col""", kind='code', meta.src='it''s', id=uid`)).toEqual([
      { target: 'output', source: { column: 'my, "col"' } },
      { target: 'kind', source: { literal: 'code' } },
      { target: 'meta.src', source: { literal: "it's" } },
      { target: 'id', source: { column: 'uid' } },
    ]);
    expect(() => parseFieldMap('output=a,output=b')).toThrow('"output" is mapped twice');
    expect(() => parseFieldMap('summary=a')).toThrow('unknown target field "summary"');
    expect(() => parseFieldMap('output="a')).toThrow('unterminated quoted column');
  });
});
