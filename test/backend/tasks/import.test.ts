import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { exportTasks } from '../../../electron/backend/tasks/export.js';
import { formatErrors, importFile, importTasks, runImport, type ImportReport } from '../../../electron/backend/tasks/import.js';
import { tempDb } from '../../helpers/db.js';
import { tempDir } from '../../helpers/temp.js';

/** Writes a package file from tasks (objects become JSON lines; strings and Buffers are written as they are). */
function writePackage(name: string, lines: readonly (unknown | string | Buffer)[]): string {
  const file = path.join(tempDir(), name);
  const parts = lines.map((l) => (Buffer.isBuffer(l) ? l : Buffer.from(typeof l === 'string' ? l : JSON.stringify(l), 'utf8')));
  fs.writeFileSync(file, Buffer.concat(parts.flatMap((p) => [p, Buffer.from('\n')])));
  return file;
}

/** Every row of every task table, to prove that a failed import changed nothing. */
function dump(db: WritableDb): unknown {
  return {
    tasks: db.prepare('SELECT * FROM tasks ORDER BY seq').all(),
    critiques: db.prepare('SELECT * FROM critiques ORDER BY task_id, position').all(),
    flaws: db.prepare('SELECT * FROM flaws ORDER BY task_id, position').all(),
  };
}

function exportText(db: WritableDb): string {
  let out = '';
  exportTasks(db, (chunk) => (out += chunk), { chunkBytes: 100 });
  return out;
}

const summaryTask = {
  id: 'bridge',
  kind: 'summary',
  title: 'Footbridge',
  context: { query: 'Summarise.', document: 'The council voted to close the 🌉 bridge for six months. Repairs cost 420,000 pounds.' },
  output: 'The council closed the bridge for a year. 世界 Repairs cost 420,000 pounds.',
  critiques: [
    {
      id: 'c1',
      text: 'Six months, not a year.',
      anchor: { quote: 'for a year' },
      severity: 'major',
      category: 'accuracy',
      score: 0.9,
      model: 'critic-1',
      evidence: [{ anchor: { quote: 'six months' }, note: 'the source' }],
      valid: true,
    },
    { id: 'c2', text: 'Decoy.', anchor: { start: 43, end: 45 }, valid: false },
    { id: 'c3', text: 'General remark.' },
  ],
  flaws: [{ id: 'f1', description: 'Wrong duration.', anchor: { quote: 'a year' }, severity: 'major', critiques: ['c1'] }],
  meta: { source: 'test', nested: { n: [1, 2.5, null] } },
};

const codeTask = {
  id: 'code-1',
  kind: 'code',
  language: 'python',
  context: { problem: 'Return the sum of a list.' },
  base: 'def total(xs):\n    return sum(xs)\n',
  output: 'def total(xs):\n    s = 0\n    for x in xs[1:]:\n        s += x\n    return s\n',
  critiques: [{ id: 'c1', text: 'Skips the first element.', anchor: { lines: [3, 3] } }],
  flaws: [{ id: 'f1', description: 'Off by one: xs[1:].', anchor: { lines: [3, 3] }, critiques: ['c1'] }, { id: 'f2', description: 'Was one line.', anchor: { lines: [2, 2], side: 'base' } }],
};

function expectRejected(report: ImportReport): void {
  expect(report.errorCount).toBeGreaterThan(0);
}

describe('task import', () => {
  it('imports valid tasks with resolved anchors and evidence', () => {
    const { db } = tempDb();
    const file = writePackage('ok.jsonl', [summaryTask, '', '   ', codeTask]);
    const report = importFile(db, file, { label: 'ok.jsonl' });
    expect(report).toMatchObject({ tasks: 2, critiques: 4, flaws: 3, unchanged: 0, errorCount: 0, lines: 4 });
    const c1 = db.prepare("SELECT * FROM critiques WHERE task_id = 'bridge' AND id = 'c1'").get() as Record<string, unknown>;
    const resolved = JSON.parse(c1['resolved_json'] as string);
    expect(summaryTask.output.slice(resolved.start16, resolved.end16)).toBe('for a year');
    expect(c1).toMatchObject({ severity: 'major', category: 'accuracy', score: 0.9, model: 'critic-1', valid: 1, position: 0 });
    const evidence = JSON.parse(c1['evidence_json'] as string);
    expect(evidence[0]).toMatchObject({ anchor: { quote: 'six months' }, note: 'the source' });
    expect(summaryTask.context.document.slice(evidence[0].resolved.start16, evidence[0].resolved.end16)).toBe('six months');
    expect(db.prepare("SELECT valid FROM critiques WHERE task_id = 'bridge' AND id = 'c2'").get()).toEqual({ valid: 0 });
    expect(db.prepare("SELECT valid, resolved_json FROM critiques WHERE task_id = 'bridge' AND id = 'c3'").get()).toEqual({ valid: null, resolved_json: null });
    const base = JSON.parse((db.prepare("SELECT resolved_json FROM flaws WHERE task_id = 'code-1' AND id = 'f2'").get() as { resolved_json: string }).resolved_json);
    expect(base).toMatchObject({ side: 'base', lines: [2, 2] });
    expect(codeTask.base.slice(base.start16, base.end16)).toBe('    return sum(xs)');
    expect(db.prepare("SELECT language, base IS NOT NULL AS b FROM tasks WHERE id = 'code-1'").get()).toEqual({ language: 'python', b: 1 });
  });

  it('resolves Unicode anchors: code points in the file, UTF-16 in resolved_json', () => {
    const { db } = tempDb();
    const output = '🎉🎉 日本語のテキスト 👩‍👩‍👧 end';
    const cps = Array.from(output);
    const s = cps.indexOf('日');
    const e = cps.indexOf('👩');
    importTasks(db, [
      {
        id: 'u',
        kind: 'summary',
        output,
        critiques: [
          { id: 'a', text: 'cjk', anchor: { start: s, end: s + 3 } },
          { id: 'b', text: 'family', anchor: { start: e, end: cps.length - 4 } },
          { id: 'c', text: 'quote', anchor: { quote: 'テキスト', prefix: 'の' } },
        ],
      },
    ]);
    const rows = db.prepare("SELECT id, resolved_json FROM critiques WHERE task_id = 'u' ORDER BY position").all() as { resolved_json: string }[];
    const [a, b, c] = rows.map((r) => JSON.parse(r.resolved_json));
    expect(output.slice(a.start16, a.end16)).toBe('日本語');
    expect(a.start).toBe(s);
    expect(a.start16).toBe(s + 2); // two surrogate pairs before it
    expect(output.slice(b.start16, b.end16)).toBe('👩‍👩‍👧');
    expect(output.slice(c.start16, c.end16)).toBe('テキスト');
    expect(c.start).toBe(cps.indexOf('テ'));
  });

  describe('errors: FILE:LINE: field.path: message, and nothing imported', () => {
    const cases: [string, (unknown | string | Buffer)[], RegExp][] = [
      ['bad JSON', [summaryTask, '{"id": "x", "kind": '], /^bad\.jsonl:2: \(json\): not valid JSON: /],
      ['invalid UTF-8', [summaryTask, Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])], /^bad\.jsonl:2: \(line\): not valid UTF-8 \(byte 3 of the line\)$/],
      ['a wrong type', [{ ...codeTask, output: ['x'] }], /^bad\.jsonl:1: output: expected string, got array$/],
      ['a missing field', [{ id: 'x', kind: 'summary' }], /^bad\.jsonl:1: output: required \(string\)$/],
      ['a missing critique text', [{ ...summaryTask, critiques: [{ id: 'c' }] }], /^bad\.jsonl:1: critiques\[0\]\.text: required \(string\)$/],
      ['a duplicate task id', [summaryTask, codeTask, summaryTask], /^bad\.jsonl:3: id: duplicate task id "bridge" \(also on line 1\)$/],
      ['a duplicate critique id', [{ ...codeTask, critiques: [codeTask.critiques[0], codeTask.critiques[0]] }], /^bad\.jsonl:1: critiques\[1\]\.id: duplicate critique id "c1"/],
      ['an unresolvable quote', [{ ...summaryTask, flaws: [{ id: 'f', description: 'd', anchor: { quote: 'for two years' } }] }], /^bad\.jsonl:1: flaws\[0\]\.anchor\.quote: quote not found: "for two years"$/],
      ['an ambiguous quote', [{ ...summaryTask, flaws: [{ id: 'f', description: 'd', anchor: { quote: 'co' } }] }], /^bad\.jsonl:1: flaws\[0\]\.anchor\.quote: quote matches 2 places; add a prefix or suffix/],
      ['an out-of-range anchor', [{ ...summaryTask, critiques: [{ id: 'c', text: 't', anchor: { start: 10, end: 500 } }], flaws: [] }], /^bad\.jsonl:1: critiques\[0\]\.anchor\.end: end 500 is past the end of the text \(73 code points\)$/],
      ['lines past the end', [{ ...codeTask, critiques: [{ id: 'c', text: 't', anchor: { lines: [5, 9] } }], flaws: [] }], /^bad\.jsonl:1: critiques\[0\]\.anchor\.lines: line 9 is past the end \(5 lines\)$/],
      ['an unresolvable evidence anchor', [{ ...summaryTask, critiques: [{ id: 'c', text: 't', evidence: [{ anchor: { quote: 'nowhere' } }] }], flaws: [] }], /^bad\.jsonl:1: critiques\[0\]\.evidence\[0\]\.anchor\.quote: quote not found.*\(in context\.document\)$/],
      ['an unknown critique id in a flaw', [{ ...codeTask, flaws: [{ id: 'f', description: 'd', critiques: ['c1', 'c9'] }] }], /^bad\.jsonl:1: flaws\[0\]\.critiques\[1\]: unknown critique id "c9"/],
      ['an over-long line', [summaryTask, { ...codeTask, output: 'x'.repeat(5000) }], /^bad\.jsonl:2: \(line\): line is longer than the limit of 4096 bytes$/],
      ['a JSON value that is not an object', [summaryTask, '[1, 2]'], /^bad\.jsonl:2: \(task\): expected object, got array$/],
      ['an empty file', [], /^bad\.jsonl:1: \(file\): no tasks/],
    ];
    it.each(cases)('%s', (_name, lines, expected) => {
      const { db } = tempDb();
      importTasks(db, [{ id: 'existing', kind: 'summary', output: 'Already here.' }]);
      const before = dump(db);
      const report = importFile(db, writePackage('bad.jsonl', lines), { label: 'bad.jsonl', maxLineBytes: 4096 });
      expectRejected(report);
      // exactly the one error the broken line deserves
      expect(report.errors, report.errors.join('\n')).toEqual([expect.stringMatching(expected)]);
      expect(dump(db)).toEqual(before);
    });

    it('keeps reading after an error and lists every bad line (first 50, then a count)', () => {
      const { db } = tempDb();
      const lines = Array.from({ length: 60 }, (_, i) => ({ id: `t${i}`, kind: 'summary' })); // all lack output
      const report = importFile(db, writePackage('many.jsonl', [codeTask, ...lines, summaryTask]), { label: 'many.jsonl' });
      expect(report.errorCount).toBe(60);
      expect(report.errors).toHaveLength(50);
      expect(report.errors[0]).toBe('many.jsonl:2: output: required (string)');
      expect(formatErrors(report).split('\n').at(-1)).toBe('… and 10 more errors');
      expect(report.tasks).toBe(2); // counted as valid, but rolled back
      expect(dump(db)).toEqual({ tasks: [], critiques: [], flaws: [] });
    });

    it('names a missing file', () => {
      const { db } = tempDb();
      expect(() => importFile(db, path.join(tempDir(), 'nope.jsonl'), { label: 'nope.jsonl' })).toThrow(/nope\.jsonl: cannot read the file: no such file/);
    });
  });

  it('is atomic: a bad last line leaves the database exactly as before', () => {
    const { db } = tempDb();
    importTasks(db, [codeTask]);
    const before = dump(db);
    const many = Array.from({ length: 500 }, (_, i) => ({ ...summaryTask, id: `s${i}` }));
    const report = importFile(db, writePackage('atomic.jsonl', [...many, '{oops']), { label: 'atomic.jsonl' });
    expect(report.errors).toEqual([expect.stringMatching(/^atomic\.jsonl:501: \(json\): not valid JSON/)]);
    expect(dump(db)).toEqual(before);
  });

  it('re-importing identical tasks is a no-op, whatever the key order or spacing', () => {
    const { db } = tempDb();
    const file = writePackage('a.jsonl', [summaryTask, codeTask]);
    importFile(db, file);
    const before = dump(db);
    expect(importFile(db, file)).toMatchObject({ tasks: 0, unchanged: 2, errorCount: 0 });
    const reordered = Object.fromEntries(Object.entries(summaryTask).reverse());
    const spaced = JSON.stringify(codeTask, null, 0).replace(/,"/g, ', "');
    expect(importFile(db, writePackage('b.jsonl', [reordered, `  ${spaced}  `]))).toMatchObject({ tasks: 0, unchanged: 2, errorCount: 0 });
    expect(dump(db)).toEqual(before);
  });

  it('refuses a changed task with the same id unless --replace, and replaces in place', () => {
    const { db } = tempDb();
    importTasks(db, [summaryTask, codeTask]);
    const changed = { ...codeTask, output: `${codeTask.output}# more\n`, critiques: [{ id: 'n1', text: 'New critique.' }], flaws: [] };
    const refused = importFile(db, writePackage('c.jsonl', [changed]), { label: 'c.jsonl' });
    expect(refused.errors).toEqual(['c.jsonl:1: id: a different task with id "code-1" is already in the database (import with --replace to overwrite it)']);
    const seq = (db.prepare("SELECT seq FROM tasks WHERE id = 'code-1'").get() as { seq: number }).seq;
    const replaced = importFile(db, writePackage('c.jsonl', [changed]), { replace: true });
    expect(replaced).toMatchObject({ tasks: 1, replaced: 1, errorCount: 0 });
    expect(db.prepare("SELECT seq, output FROM tasks WHERE id = 'code-1'").get()).toEqual({ seq, output: changed.output });
    expect(db.prepare("SELECT id FROM critiques WHERE task_id = 'code-1'").all()).toEqual([{ id: 'n1' }]);
    expect(db.prepare("SELECT count(*) AS n FROM flaws WHERE task_id = 'code-1'").get()).toEqual({ n: 0 });
    expect(JSON.parse(exportText(db).split('\n')[1]!)).toEqual(changed);
  });

  it('refuses --replace for a task that already has reviews', () => {
    const { db } = tempDb();
    importTasks(db, [codeTask]);
    // a review belongs to a queue item of a task (migration 0002)
    db.prepare("INSERT INTO evaluators (id, display_name, created_at) VALUES ('e1', 'E', 0)").run();
    db.prepare("INSERT INTO queue_items (id, evaluator_id, task_id, condition, label, policy, position) VALUES (1, 'e1', 'code-1', 'assisted', 'A', 'all', 0)").run();
    db.prepare("INSERT INTO reviews (id, queue_item_id, shown_json, started_at, updated_at, active_updated_at) VALUES (1, 1, '[]', 0, 0, 0)").run();
    const before = dump(db);
    const report = importFile(db, writePackage('r.jsonl', [{ ...codeTask, title: 'changed' }]), { label: 'r.jsonl', replace: true });
    expect(report.errors).toEqual(['r.jsonl:1: id: task "code-1" already has 1 review: it cannot be replaced or changed; import the new version under a new id.']);
    expect(dump(db)).toEqual(before);
  });

  it('rolls back when reading fails half-way (an exception, not a validation error)', () => {
    const { db } = tempDb();
    importTasks(db, [codeTask]);
    const before = dump(db);
    expect(() =>
      runImport(db, 'x.jsonl', {}, (session) => {
        for (let i = 0; i < 700; i++) session.push(Buffer.from(`${JSON.stringify({ ...summaryTask, id: `r${i}` })}\n`)); // past one write batch
        throw new Error('EIO: the disk went away');
      }),
    ).toThrow(/EIO/);
    expect(dump(db)).toEqual(before);
  });

  it('--replace leaves identical tasks alone', () => {
    const { db } = tempDb();
    importTasks(db, [summaryTask]);
    const before = dump(db);
    expect(importFile(db, writePackage('same.jsonl', [summaryTask]), { replace: true })).toMatchObject({ tasks: 0, replaced: 0, unchanged: 1 });
    expect(dump(db)).toEqual(before);
  });

  it('--dry-run validates against the database and writes nothing', () => {
    const { db } = tempDb();
    const report = importFile(db, writePackage('d.jsonl', [summaryTask, codeTask]), { dryRun: true });
    expect(report).toMatchObject({ tasks: 2, critiques: 4, flaws: 3, errorCount: 0 });
    expect(dump(db)).toEqual({ tasks: [], critiques: [], flaws: [] });
  });

  it('round-trips: export equals the input as JSON, and export → import → export is identical', () => {
    const { db } = tempDb();
    const odd = { ...summaryTask, id: 'odd', extra: { kept: ['as', 'is'] }, meta: { 'ключ': 'значение', n: 1e21, f: 0.1 } };
    const input = [summaryTask, codeTask, odd];
    importFile(db, writePackage('rt.jsonl', input));
    const first = exportText(db);
    expect(first.endsWith('\n')).toBe(true);
    expect(first.trimEnd().split('\n').map((l) => JSON.parse(l))).toEqual(input);
    const again = tempDb().db;
    const exported = path.join(tempDir(), 'export.jsonl');
    fs.writeFileSync(exported, first);
    expect(importFile(again, exported)).toMatchObject({ tasks: 3, errorCount: 0 });
    expect(exportText(again)).toBe(first);
  });

  it('streams: a 40 MB package imports with bounded memory', () => {
    const { db } = tempDb();
    const file = path.join(tempDir(), 'big.jsonl');
    const fd = fs.openSync(file, 'w');
    const filler = 'word '.repeat(800);
    for (let i = 0; i < 10_000; i++) fs.writeSync(fd, `${JSON.stringify({ id: `b${i}`, kind: 'summary', output: `${i} ${filler}`, critiques: [{ id: 'c', text: 'x', anchor: { start: 0, end: 3 } }] })}\n`);
    fs.closeSync(fd);
    expect(fs.statSync(file).size).toBeGreaterThan(40e6);
    global.gc?.();
    const before = process.memoryUsage().rss;
    let peak = before;
    const report = importFile(db, file, { onProgress: () => (peak = Math.max(peak, process.memoryUsage().rss)) });
    expect(report).toMatchObject({ tasks: 10_000, errorCount: 0 });
    // the file is never held whole: growth stays well below its size (SQLite's cache is 64 MiB)
    expect(peak - before).toBeLessThan(150 * 2 ** 20);
  });
});
