import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { asyncBufferFromFile, parquetMetadataAsync } from 'hyparquet';
import { exportTasks } from '../../../../electron/backend/tasks/export.js';
import { findSource, importFromSource } from '../../../../electron/backend/tasks/sources/index.js';
import { readRowGroups } from '../../../../electron/backend/tasks/sources/parquet.js';
import { captureCli } from '../../../helpers/cli.js';
import { tempDb } from '../../../helpers/db.js';
import { dumpDatabase } from '../../../helpers/dump.js';
import { writeParquetWithDuckDb } from '../../../helpers/duckdb.js';
import { tempDir } from '../../../helpers/temp.js';

function write(name: string, content: string | Buffer): string {
  const file = path.join(tempDir(), name);
  fs.writeFileSync(file, content);
  return file;
}

function tasksOf(db: Parameters<typeof exportTasks>[0]): Record<string, unknown>[] {
  let text = '';
  exportTasks(db, (c) => (text += c));
  return text
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

const MAP = 'output=summary,context.document=article,context.query=question,id=uid';

/** RFC 4180 quoting, as spreadsheets write it. */
const csvCell = (s: string): string => (/[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s);

describe('assay import FILE.csv --map', () => {
  it('reads quoted fields, embedded newlines, doubled quotes, CRLF and a byte-order mark, and maps columns to task fields', async () => {
    const file = write(
      'reviews.csv',
      '\ufeffuid,summary,article,question,extra\r\n' +
        'a1,"The cat sat, then left.","A cat sat on a mat.\r\nIt left at noon.",Where did the cat sit?,x\r\n' +
        'a2,"He said ""no"" 🎉","Doc two",,y\r\n',
    );
    const { db, path: dbPath } = tempDb();
    db.close();
    const r = await captureCli(['import', file, '--map', MAP, '--json', '--db', dbPath]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ tasks: 2, files: [{ source: 'csv', tasks: 2 }] });
    const { db: again } = { db: (await import('../../../../electron/backend/db/open.js')).openDatabase(dbPath) };
    expect(tasksOf(again)).toEqual([
      { id: 'a1', kind: 'summary', output: 'The cat sat, then left.', context: { document: 'A cat sat on a mat.\r\nIt left at noon.', query: 'Where did the cat sit?' } },
      { id: 'a2', kind: 'summary', output: 'He said "no" 🎉', context: { document: 'Doc two' } },
    ]);
    again.close();
  });

  it('names file, line, row and column in errors, imports nothing, and lists both mapping and task errors', async () => {
    const file = write(
      'bad.csv',
      'uid,summary,crit\n' +
        'a1,"first\nsecond",[]\n' + // lines 2–3
        'a1,dup,[]\n' + // line 4: duplicate id
        'a3,fine,"not json"\n' + // line 5: bad JSON in a list column
        'a4,,[]\n', // line 6: empty output is allowed (empty text)
    );
    const { db } = tempDb();
    const before = dumpDatabase(db);
    const report = await importFromSource(db, file, { source: findSource('csv'), map: 'output=summary,id=uid,critiques=crit' });
    expect(report.errorCount).toBe(2);
    expect(report.errors).toEqual([
      `${file}:5 (row 3): critiques: not a JSON list: Unexpected token 'o', "not json" is not valid JSON`,
      `${file}:4 (row 2): id (column "uid"): duplicate task id "a1" (also at 2 (row 1))`,
    ]);
    expect(dumpDatabase(db)).toBe(before);
  });

  it('refuses a --map column the file does not have, naming the columns it has', async () => {
    const file = write('a.csv', 'uid,summary\n1,x\n');
    const r = await captureCli(['import', file, '--map', 'output=summry', '--db', tempDb().path]);
    expect(r.code).toBe(1);
    expect(r.err).toContain(`${file}: --map output: no column "summry" in the header (columns: uid, summary)`);
  });

  it('refuses malformed CSV (a stray quote, a short row) and invalid UTF-8 with the line', async () => {
    const { db } = tempDb();
    const stray = write('stray.csv', 'uid,summary\n1,ok\n2,"bad"x\n');
    const r1 = await importFromSource(db, stray, { source: findSource('csv'), map: 'output=summary' });
    expect(r1.errors[0]).toMatch(new RegExp(`^${stray}:3: \\(csv\\): Invalid Closing Quote`));
    const short = write('short.csv', 'uid,summary\n1,ok\n2\n');
    const r2 = await importFromSource(db, short, { source: findSource('csv'), map: 'output=summary' });
    expect(r2.errors[0]).toMatch(new RegExp(`^${short}:3: \\(csv\\): Invalid Record Length: expect 2, got 1`));
    const latin1 = write('latin1.csv', Buffer.concat([Buffer.from('uid,summary\n1,ok\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
    const r3 = await importFromSource(db, latin1, { source: findSource('csv'), map: 'output=summary' });
    expect(r3.errors).toEqual([`${latin1}:3: (line): not valid UTF-8`]);
    expect(tasksOf(db)).toEqual([]);
  });

  it('--dry-run shows the first mapped tasks and writes nothing', async () => {
    const file = write('d.csv', `uid,summary,article\n${Array.from({ length: 5 }, (_, i) => `u${i},s${i},${'w'.repeat(300)}`).join('\n')}\n`);
    const { db, path: dbPath } = tempDb();
    const before = dumpDatabase(db);
    db.close();
    const people = await captureCli(['import', file, '--map', 'output=summary,context.document=article,id=uid', '--dry-run', '--db', dbPath]);
    expect(people.code).toBe(0);
    expect(people.out).toMatch(/: valid, would import 5 tasks .*\(read as csv\)\n  the first \d+ tasks as mapped:\n  \{"id":"u0"/);
    expect(people.out).toContain('Nothing was written (--dry-run).');
    const r = await captureCli(['import', file, '--map', 'output=summary,context.document=article,id=uid', '--dry-run', '--json', '--db', dbPath]);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.out) as { dryRun: boolean; files: { preview: Record<string, unknown>[] }[] };
    expect(out.dryRun).toBe(true);
    expect(out.files[0]!.preview).toHaveLength(3);
    expect(out.files[0]!.preview[0]).toEqual({ id: 'u0', kind: 'summary', output: 's0', context: { document: `${'w'.repeat(240)}… (300 characters)` } });
    const { openDatabase } = await import('../../../../electron/backend/db/open.js');
    const after = openDatabase(dbPath);
    expect(dumpDatabase(after)).toBe(before);
    after.close();
  });

  it('property: any table written as RFC 4180 CSV comes back cell for cell, and an error names the line the record starts on', async () => {
    const cell = fc.string({ unit: fc.oneof(fc.constantFrom('"', ',', '\n', '\r\n', '\r', ' ', '🎉', 'é', 'x', 'y'), fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 })), maxLength: 12 });
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 8 }), fc.boolean(), fc.nat(7), fc.boolean(), async (rows, bom, badAt, crlf) => {
        const bad = badAt % rows.length;
        const records = rows.map(([a, b], i) => `${csvCell(`id${i}`)},${csvCell(a)},${csvCell(b)},${csvCell(i === bad ? 'BAD' : 'summary')}`);
        const eol = crlf ? '\r\n' : '\n';
        const text = `${bom ? '\ufeff' : ''}id,output,doc,kind${eol}${records.join(eol)}${eol}`;
        const file = write('p.csv', text);
        const { db } = tempDb();
        const report = await importFromSource(db, file, { source: findSource('csv'), map: 'id=id,output=output,context.document=doc,kind=kind' });
        // the line the bad record starts on, counted in the text as written
        const startLine = 2 + records.slice(0, bad).join('\n').split('\n').length - (bad === 0 ? 1 : 0);
        expect(report.errors).toHaveLength(1);
        expect(report.errors[0]).toContain(`${file}:${startLine} (row ${bad + 1}): kind (column "kind"): `);
        db.close();
        const ok = write('q.csv', `${bom ? '\ufeff' : ''}id,output,doc\n${rows.map(([a, b], i) => `id${i},${csvCell(a)},${csvCell(b)}`).join('\r\n')}\r\n`);
        const { db: db2 } = tempDb();
        const r2 = await importFromSource(db2, ok, { source: findSource('csv'), map: 'id=id,output=output,context.document=doc' });
        expect(r2.errors).toEqual([]);
        expect(tasksOf(db2).map((t) => [t['output'], (t['context'] as { document?: string } | undefined)?.document ?? ''])).toEqual(rows);
        db2.close();
      }),
      { numRuns: 40 },
    );
  });
});

describe('assay import FILE.jsonl --map', () => {
  it('maps keys and nested keys (a.b) of any JSON Lines file; other keys are left out', async () => {
    const file = write(
      'hf.jsonl',
      [
        { uid: 7, summary: 'S1', src: { article: 'A1' }, q: 'Q1', junk: [1, 2] },
        { uid: 8, summary: 'S2', src: { article: 'A2' }, critiques: ['Too short.', { text: 'Wrong name.', severity: 'major' }] },
      ]
        .map((o) => JSON.stringify(o))
        .join('\n'),
    );
    const { db } = tempDb();
    const report = await importFromSource(db, file, { source: findSource('jsonl'), map: 'id=uid,output=summary,context.document=src.article,context.query=q,critiques=critiques,meta.origin=\'hf\'' });
    expect(report.errors).toEqual([]);
    expect(tasksOf(db)).toEqual([
      { id: '7', kind: 'summary', output: 'S1', context: { document: 'A1', query: 'Q1' }, meta: { origin: 'hf' } },
      {
        id: '8',
        kind: 'summary',
        output: 'S2',
        context: { document: 'A2' },
        critiques: [
          { id: 'c1', text: 'Too short.' },
          { id: 'c2', text: 'Wrong name.', severity: 'major' },
        ],
        meta: { origin: 'hf' },
      },
    ]);
  });

  it('without --map, takes the keys named like task fields (a nested context too) and leaves the rest out', async () => {
    const file = write('plain.jsonl', `${JSON.stringify({ id: 'p1', output: 'O', context: { document: 'D', query: 'Q' }, extra: 1, title: 'T' })}\n${JSON.stringify({ output: 'O2', document: 'D2' })}\n`);
    const { db } = tempDb();
    const report = await importFromSource(db, file, { source: findSource('jsonl') });
    expect(report.errors).toEqual([]);
    expect(tasksOf(db)).toEqual([
      { id: 'p1', kind: 'summary', title: 'T', output: 'O', context: { document: 'D', query: 'Q' } },
      { id: 'plain-2', kind: 'summary', output: 'O2', context: { document: 'D2' } },
    ]);
  });

  it('names the line and key of a missing or mistyped value', async () => {
    const file = write('x.jsonl', `${JSON.stringify({ summary: 'ok', uid: 1 })}\n${JSON.stringify({ uid: 2 })}\n${JSON.stringify({ summary: ['a'], uid: 3 })}\n`);
    const { db } = tempDb();
    const report = await importFromSource(db, file, { source: findSource('jsonl'), map: 'output=summary,id=uid' });
    expect(report.errors).toEqual([`${file}:2: output: no key "summary" in this object`, `${file}:3: output: expected text, got a list`]);
    expect(tasksOf(db)).toEqual([]);
  });
});

describe('assay import FILE.parquet --map', () => {
  const rows = Array.from({ length: 5000 }, (_, i) => ({
    uid: i,
    summary: `Summary ${i} ${i % 7 === 0 ? '🎉' : ''}`.trim(),
    article: `Article ${i}: ${'lorem '.repeat(i % 13)}`,
    question: i % 3 === 0 ? null : `Question ${i}?`,
    embedding: Array.from({ length: 8 }, (_, k) => k * i),
  }));

  it('reads a DuckDB-written file (zstd, several row groups) one row group at a time, only the mapped columns', async () => {
    const file = await writeParquetWithDuckDb(rows, { rowGroupSize: 1024, compression: 'zstd', select: 'uid::BIGINT AS uid, summary, article, question, embedding::DOUBLE[] AS embedding' });
    const buffer = await asyncBufferFromFile(file);
    const metadata = await parquetMetadataAsync(buffer);
    expect(metadata.row_groups.length).toBeGreaterThan(2); // the file is larger than one row group
    const batches: { size: number; keys: string[] }[] = [];
    await readRowGroups({ file: buffer, metadata }, ['summary', 'uid'], (batch) => batches.push({ size: batch.length, keys: Object.keys(batch[0]!) }));
    expect(batches.length).toBe(metadata.row_groups.length);
    expect(batches.map((b) => b.size)).toEqual(metadata.row_groups.map((g) => Number(g.num_rows)));
    expect(new Set(batches.flatMap((b) => b.keys))).toEqual(new Set(['summary', 'uid'])); // embedding never decoded

    const { db } = tempDb();
    const report = await importFromSource(db, file, { source: findSource('parquet'), map: MAP });
    expect(report.errors).toEqual([]);
    expect(report.tasks).toBe(5000);
    const tasks = tasksOf(db);
    expect(tasks[4999]).toEqual({ id: '4999', kind: 'summary', output: rows[4999]!.summary, context: { document: rows[4999]!.article, query: 'Question 4999?' } });
    expect(tasks[3]).toEqual({ id: '3', kind: 'summary', output: rows[3]!.summary, context: { document: rows[3]!.article } });
    expect(tasks.map((t) => t['output'])).toEqual(rows.map((r) => r.summary));
  });

  it('names the row and column of a value that cannot be a task field, and the columns when one is missing', async () => {
    const file = await writeParquetWithDuckDb(rows.slice(0, 10), { select: 'uid, summary, embedding::DOUBLE[] AS embedding' });
    const { db } = tempDb();
    const r1 = await importFromSource(db, file, { source: findSource('parquet'), map: 'output=embedding' });
    expect(r1.errors[0]).toBe(`${file}:row 1: output: expected text, got a list`);
    const r2 = await importFromSource(db, file, { source: findSource('parquet'), map: 'output=article' });
    expect(r2.errors).toEqual([`${file}: --map output: no column "article" in the file (columns: uid, summary, embedding)`]);
    expect(tasksOf(db)).toEqual([]);
  });

  it('refuses a file that is not Parquet', async () => {
    const file = write('fake.parquet', 'uid,summary\n1,x\n');
    const { db } = tempDb();
    const r = await importFromSource(db, file, { source: findSource('parquet'), map: 'output=summary' });
    expect(r.errors[0]).toMatch(new RegExp(`^${file}: \\(file\\): not a Parquet file: `));
  });
});
