import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/backend/db/migrate.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { tempDbPath } from '../../helpers/temp.js';

describe('migration 0004 (adjudications)', () => {
  it('migrates 3 → 4 keeping studies and reviews, and keeps the adjudication log append-only', () => {
    const db = new Database(tempDbPath()) as WritableDb;
    db.pragma('foreign_keys = ON');
    migrate(db, { target: 3 });
    db.exec(`
      INSERT INTO tasks (id, seq, kind, output, source_json, content_hash, imported_at) VALUES ('t1', 1, 'summary', 'x', '{}', 'h', 0);
      INSERT INTO flaws (task_id, id, position, description) VALUES ('t1', 'f1', 0, 'a flaw');
      INSERT INTO evaluators (id, display_name, created_at) VALUES ('ana', 'Ana', 1);
      INSERT INTO studies (id, name, seed, overlap, created_at) VALUES ('s1', 'pilot', 7, 1, 1);
      INSERT INTO queue_items (evaluator_id, task_id, study, condition, label, policy, position) VALUES ('ana', 't1', 'pilot', 'assisted', 'A', 'all', 1);
      INSERT INTO reviews (queue_item_id, status, shown_json, started_at, updated_at, active_updated_at) VALUES (1, 'submitted', '[]', 5, 5, 5);
    `);
    migrate(db, { target: 4 });
    expect(schemaVersion(db)).toBe(4);
    expect(db.prepare('SELECT name FROM studies').all()).toEqual([{ name: 'pilot' }]);
    expect(db.prepare('SELECT id, status FROM reviews').all()).toEqual([{ id: 1, status: 'submitted' }]);

    const insert = db.prepare(
      `INSERT INTO adjudication_events (study_id, review_id, flaw_id, report_kind, report_id, verdict, created_at)
       VALUES ($study, $review, 'f1', $kind, 'a1', $verdict, 10)`,
    );
    insert.run({ study: 's1', review: 1, kind: 'added', verdict: 'match' });
    insert.run({ study: 's1', review: 1, kind: 'added', verdict: 'clear' });
    expect(() => insert.run({ study: 's1', review: 1, kind: 'added', verdict: 'maybe' })).toThrow(/CHECK/);
    expect(() => insert.run({ study: 's1', review: 1, kind: 'comment', verdict: 'match' })).toThrow(/CHECK/);
    expect(() => insert.run({ study: 's1', review: 99, kind: 'added', verdict: 'match' })).toThrow(/FOREIGN KEY/);
    expect(() => insert.run({ study: 'nope', review: 1, kind: 'added', verdict: 'match' })).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare(`UPDATE adjudication_events SET verdict = 'no-match'`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`DELETE FROM adjudication_events`).run()).toThrow(/append-only/);
    expect(db.prepare('SELECT count(*) AS n FROM adjudication_events').get()).toEqual({ n: 2 });
    const sql = (db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'adjudication_events'").get() as { sql: string }).sql;
    expect(sql).toMatch(/STRICT\s*$/);
  });
});
