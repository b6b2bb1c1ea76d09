import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/backend/db/migrate.js';
import { openDatabase } from '../../../electron/backend/db/open.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { createEvaluator, ensurePracticeQueue, getQueue, recordEvent } from '../../../electron/backend/reviews/repository.js';
import { startReview } from '../../helpers/review.js';
import { createStudy } from '../../../electron/backend/studies/repository.js';
import { exportTasks } from '../../../electron/backend/tasks/export.js';
import { importFile, importTasks, runImport, type ImportSession } from '../../../electron/backend/tasks/import.js';
import { countTasks, getTaskView, listTasks } from '../../../electron/backend/tasks/repository.js';
import { abandonedAfterMs, cleanupAbandonedImports, stagingImports } from '../../../electron/backend/tasks/staging.js';
import { dumpDatabase } from '../../helpers/dump.js';
import { repoRoot } from '../../helpers/server.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';

const task = (id: string, text = `Output of ${id}.`) => ({ id, kind: 'summary', output: text, critiques: [{ id: 'c1', text: `critique of ${id}` }], flaws: [{ id: 'f1', description: 'a flaw' }] });
const lines = (ids: readonly string[]) => Buffer.from(ids.map((id) => `${JSON.stringify(task(id))}\n`).join(''));
const ids = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${i + 1}`);

/** Everything a reader of the database can see of the tasks, through the back end's own read paths. */
function seen(db: WritableDb): { count: number; listed: string[]; exported: number } {
  let exported = 0;
  exportTasks(db, (chunk) => (exported += chunk.split('\n').length - 1));
  return { count: countTasks(db), listed: listTasks(db, 0, 1_000_000).map((t) => t.id), exported };
}

/** Two connections to one file: the importer's and a reader's (the app, another process). */
function twoConnections(): { file: string; importer: WritableDb; reader: WritableDb } {
  const file = tempDbPath();
  const importer = openDatabase(file);
  return { file, importer, reader: openDatabase(file) };
}

describe('staged imports: all or nothing for readers, without holding the write lock for a whole file', () => {
  it('readers see none of a file until it is published, then all of it; others may write between batches', () => {
    const { importer, reader } = twoConnections();
    importTasks(importer, [task('old-1')], 'first.jsonl');
    const evaluator = createEvaluator(reader, 'Reader').id;
    ensurePracticeQueue(reader, evaluator);
    const before = seen(reader);
    expect(before).toEqual({ count: 1, listed: ['old-1'], exported: 1 });
    reader.pragma('busy_timeout = 0'); // fail at once if the importer held the lock

    const checks: number[] = [];
    const report = runImport(importer, 'big.jsonl', { batchTasks: 10 }, (session: ImportSession) => {
      const all = ids('new', 95);
      for (let i = 0; i < all.length; i += 5) {
        session.push(lines(all.slice(i, i + 5)));
        if (i > 0 && i % 20 === 0) {
          // Mid-file: rows of earlier batches are in the file, but no reader path shows any of them.
          expect(stagingImports(reader)).toHaveLength(1);
          expect(seen(reader)).toEqual(before);
          expect(() => getTaskView(reader, 'new-1')).toThrow(/No task with id "new-1"/);
          expect(ensurePracticeQueue(reader, evaluator)).toBe(0);
          expect(() => createStudy(reader, { name: `s${i}`, conditions: [{ name: 'a', policy: 'all' }], evaluators: [{ id: 'x' }], overlap: 1, seed: 1, tasks: ['new-1'] })).toThrow(/not in this database: new-1/);
          // and the write lock is free between batches: another connection writes without waiting
          createEvaluator(reader, `Writer ${i}`);
          checks.push(i);
        }
      }
    });
    expect(checks.length).toBeGreaterThanOrEqual(4);
    expect(report).toMatchObject({ errorCount: 0, tasks: 95 });
    const after = seen(reader);
    expect(after.count).toBe(96);
    expect(after.listed).toEqual(['old-1', ...ids('new', 95)]);
    expect(getTaskView(reader, 'new-95').output).toBe('Output of new-95.');
    expect(ensurePracticeQueue(reader, evaluator)).toBe(95);
    expect(stagingImports(reader)).toEqual([]);
  });

  it('a rejected file takes back its staged rows at the first error: the database is exactly as before', () => {
    const { importer, reader } = twoConnections();
    importTasks(importer, [task('old-1')], 'first.jsonl');
    const before = dumpDatabase(reader);
    let staged = 0;
    const report = runImport(importer, 'bad.jsonl', { batchTasks: 10 }, (session) => {
      session.push(lines(ids('new', 40)));
      staged = (reader.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n - 1;
      session.push(Buffer.from('{"id": "broken", "kind": "summary"}\n'));
      session.push(lines(ids('more', 40)));
    });
    expect(staged).toBe(40); // really written before the error…
    expect(report.errors).toEqual(['bad.jsonl:41: output: required (string)']);
    expect(dumpDatabase(reader)).toBe(before); // …and really gone
  });

  it('an exception while feeding takes back the staged rows too', () => {
    const { importer, reader } = twoConnections();
    const before = dumpDatabase(reader);
    expect(() =>
      runImport(importer, 'x.jsonl', { batchTasks: 5 }, (session) => {
        session.push(lines(ids('t', 30)));
        throw new Error('disk gone');
      }),
    ).toThrow('disk gone');
    expect(dumpDatabase(reader)).toBe(before);
  });

  it('--replace: readers see the old version until the publish, then the new one; a review started meanwhile refuses the file', () => {
    const { importer, reader } = twoConnections();
    importTasks(importer, [task('r-1', 'Old text.'), task('r-2', 'Old two.')], 'v1.jsonl');
    const v2 = Buffer.from(`${JSON.stringify(task('r-1', 'New text.'))}\n${JSON.stringify(task('r-2', 'New two.'))}\n`);
    const report = runImport(importer, 'v2.jsonl', { replace: true, batchTasks: 1 }, (session) => {
      session.push(v2);
      expect(getTaskView(reader, 'r-1').output).toBe('Old text.');
    });
    expect(report).toMatchObject({ errorCount: 0, replaced: 2 });
    expect(getTaskView(reader, 'r-1').output).toBe('New text.');
    expect(getTaskView(reader, 'r-2').output).toBe('New two.');
    expect(countTasks(reader)).toBe(2);

    // A review of r-2 starts while v3 is being imported: the publish refuses the whole file.
    const evaluator = createEvaluator(reader, 'Ana').id;
    ensurePracticeQueue(reader, evaluator);
    const before = dumpDatabase(reader);
    const v3 = Buffer.from(`${JSON.stringify(task('r-1', 'Third.'))}\n${JSON.stringify(task('r-2', 'Third two.'))}\n`);
    let dumpBeforeReview = '';
    const refused = runImport(importer, 'v3.jsonl', { replace: true, batchTasks: 1 }, (session) => {
      session.push(v3);
      dumpBeforeReview = dumpDatabase(reader);
      const item = getQueue(reader, evaluator).find((q) => q.taskId === 'r-2')!.id;
      const review = startReview(reader, evaluator, item).review!.id;
      recordEvent(reader, { evaluator, review, expectedSeq: 0, clientEventId: 'meanwhile-xxxxxxxx', clientTime: Date.now(), event: { type: 'rating-set', rating: 2 } });
    });
    expect(dumpBeforeReview).not.toBe(before); // (the staged replacements were there, invisible)
    expect(refused.errors).toEqual([
      'v3.jsonl:2: id: task "r-2" already has 1 review: it cannot be replaced or changed; import the new version under a new id. (it was shown while this file was being imported)',
    ]);
    expect(getTaskView(reader, 'r-1').output).toBe('New text.');
    expect(getTaskView(reader, 'r-2').output).toBe('New two.');
    expect(stagingImports(reader)).toEqual([]);
    expect(reader.prepare('SELECT count(*) AS n FROM import_replacements').get()).toEqual({ n: 0 });
  });

  it('two imports at once: both publish, and the practice queue gets every task whatever the publish order', () => {
    const { file, importer, reader } = twoConnections();
    const other = openDatabase(file);
    importTasks(importer, [task('base')], 'base.jsonl');
    const evaluator = createEvaluator(reader, 'Queue').id;
    ensurePracticeQueue(reader, evaluator);
    // A starts first (lower seqs) and publishes last; B publishes in between; the queue is read in between too.
    const a = runImport(importer, 'a.jsonl', { batchTasks: 3 }, (session) => {
      session.push(lines(ids('a', 6)));
      const b = runImport(other, 'b.jsonl', { batchTasks: 3 }, (s) => s.push(lines(ids('b', 6))));
      expect(b.errorCount).toBe(0);
      expect(ensurePracticeQueue(reader, evaluator)).toBe(6); // B's tasks only
      session.push(lines(ids('a2', 3)));
    });
    expect(a.errorCount).toBe(0);
    expect(ensurePracticeQueue(reader, evaluator)).toBe(9); // A's, although their seqs are below B's
    const queue = getQueue(reader, evaluator).map((q) => q.taskId);
    expect(queue.sort()).toEqual(['base', ...ids('a', 6), ...ids('a2', 3), ...ids('b', 6)].sort());
    expect(ensurePracticeQueue(reader, evaluator)).toBe(0);
    const seqs = reader.prepare('SELECT seq FROM tasks ORDER BY seq').all() as { seq: number }[];
    expect(new Set(seqs.map((s) => s.seq)).size).toBe(16);
  });

  it('the same new id in two imports at once: the second is refused with a clear message and writes nothing', () => {
    const { file, importer } = twoConnections();
    const other = openDatabase(file);
    let second: ReturnType<typeof runImport> | undefined;
    const first = runImport(importer, 'a.jsonl', { batchTasks: 2 }, (session) => {
      session.push(lines(['same', 'a-2']));
      second = runImport(other, 'b.jsonl', { batchTasks: 2 }, (s) => s.push(lines(['b-1', 'same'])));
    });
    expect(first.errorCount).toBe(0);
    expect(second!.errors).toEqual(['b.jsonl:2: (task): database: a task with id "same" was written by another import at the same time; import this file again']);
    expect(countTasks(importer)).toBe(2);
    expect(importer.prepare(`SELECT count(*) AS n FROM tasks WHERE id = 'b-1'`).get()).toEqual({ n: 0 });
  });

  it('an import left behind (idle too long) is removed by the next one, and the old importer is told so', () => {
    const { importer, reader } = twoConnections();
    let failure: unknown;
    try {
      runImport(importer, 'slow.jsonl', { batchTasks: 2 }, (session) => {
        session.push(lines(ids('slow', 4)));
        // Another process finds the batch idle for too long.
        reader.prepare('UPDATE import_batches SET heartbeat_at = heartbeat_at - $ms').run({ ms: abandonedAfterMs + 1000 });
        expect(cleanupAbandonedImports(reader)).toEqual(['slow.jsonl']);
        session.push(lines(ids('late', 2)));
      });
    } catch (err) {
      failure = err;
    }
    expect(String(failure)).toMatch(/slow\.jsonl: this import was idle for too long and its rows were removed by another Assay process; nothing from the file was imported/);
    expect(importer.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 0 });
    expect(stagingImports(reader)).toEqual([]);
  });

  it('a killed `assay import` leaves nothing visible, and its rows are removed by the next import', async () => {
    const dir = tempDir();
    const file = path.join(dir, 'kill.db');
    const db = openDatabase(file);
    importTasks(db, [task('kept')], 'kept.jsonl');
    const pkg = path.join(dir, 'big.jsonl');
    const big = ids('doomed', 30_000).map((id) => JSON.stringify({ ...task(id, `${id}: ${'words '.repeat(60)}`) }));
    fs.writeFileSync(pkg, `${big.join('\n')}\n`);
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'assay.mjs'), 'import', pkg, '--db', file], { stdio: 'ignore' });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // Wait until it has staged some rows, then kill it mid-file.
    for (let i = 0; i < 600 && (stagingImports(db)[0]?.tasks ?? 0) < 500; i++) await new Promise((r) => setTimeout(r, 20));
    expect(stagingImports(db)[0]?.tasks ?? 0).toBeGreaterThanOrEqual(500);
    child.kill('SIGKILL');
    await exited;
    const raw = (db.prepare('SELECT count(*) AS n FROM tasks').get() as { n: number }).n;
    expect(raw).toBeGreaterThan(500); // the rows are in the file…
    expect(countTasks(db)).toBe(1); // …but nobody sees them
    expect(listTasks(db, 0, 10).map((t) => t.id)).toEqual(['kept']);
    // The next import (here: a tiny one) cleans up first.
    importTasks(db, [task('next')], 'next.jsonl');
    expect(db.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 2 });
    expect(db.prepare('SELECT count(*) AS n FROM critiques').get()).toEqual({ n: 2 });
    expect(db.prepare(`SELECT count(*) AS n FROM import_batches WHERE state = 'staging'`).get()).toEqual({ n: 0 });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  });

  it('an import inside a larger transaction (opening a pack) writes in that transaction, atomically with it', () => {
    const { importer, reader } = twoConnections();
    expect(() =>
      importer
        .transaction(() => {
          importTasks(importer, [task('in-tx')], 'pack.json');
          expect(countTasks(importer)).toBe(1); // visible to its own transaction
          throw new Error('the pack import fails later');
        })
        .immediate(),
    ).toThrow('fails later');
    expect(countTasks(reader)).toBe(0);
    expect(stagingImports(reader)).toEqual([]);
  });

  it('re-importing an identical file writes nothing at all (no batch either)', () => {
    const { importer } = twoConnections();
    const file = path.join(tempDir(), 'same.jsonl');
    fs.writeFileSync(file, lines(ids('s', 5)));
    importFile(importer, file);
    const before = dumpDatabase(importer);
    expect(importFile(importer, file)).toMatchObject({ tasks: 0, unchanged: 5, errorCount: 0 });
    expect(dumpDatabase(importer)).toBe(before);
  });
});

describe('migration 0006 (import batches)', () => {
  it('migrates 5 → 6: existing tasks stay visible (no batch), the new tables are STRICT', () => {
    const db = new Database(tempDbPath()) as WritableDb;
    db.pragma('foreign_keys = ON');
    migrate(db, { target: 5 });
    db.exec(`
      INSERT INTO tasks (id, seq, kind, output, source_json, content_hash, imported_at) VALUES ('t1', 1, 'summary', 'x', '{}', 'h', 0);
      INSERT INTO critiques (task_id, id, position, text) VALUES ('t1', 'c1', 0, 'a critique');
      INSERT INTO evaluators (id, display_name, created_at) VALUES ('ana', 'Ana', 1);
      INSERT INTO queue_items (evaluator_id, task_id, study, condition, label, policy, position) VALUES ('ana', 't1', '', 'practice', 'Practice', 'all', 1);
    `);
    migrate(db, { target: 6 });
    expect(schemaVersion(db)).toBe(6);
    expect(countTasks(db)).toBe(1);
    expect(db.prepare('SELECT id, import_batch FROM tasks').all()).toEqual([{ id: 't1', import_batch: null }]);
    expect(ensurePracticeQueue(db, 'ana')).toBe(0);
    for (const table of ['import_batches', 'import_replacements', 'practice_sync']) {
      const sql = (db.prepare('SELECT sql FROM sqlite_schema WHERE name = $table').get({ table }) as { sql: string }).sql;
      expect(sql).toMatch(/STRICT\s*$/);
    }
    expect(() => db.prepare(`INSERT INTO import_batches (source, state, owner_host, owner_pid, started_at, heartbeat_at) VALUES ('x', 'maybe', 'h', 1, 0, 0)`).run()).toThrow(/CHECK/);
  });
});
