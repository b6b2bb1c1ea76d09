import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/backend/db/migrate.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { tempDbPath } from '../../helpers/temp.js';

describe('migration 0002 (reviews)', () => {
  it('migrates 1 → 2 keeping the tasks, and enforces keys, checks and the append-only log', () => {
    const db = new Database(tempDbPath()) as WritableDb;
    db.pragma('foreign_keys = ON');
    migrate(db, { target: 1 });
    db.prepare(
      `INSERT INTO tasks (id, seq, kind, output, source_json, content_hash, imported_at) VALUES ('t1', 1, 'summary', 'x', '{}', 'h', 0)`,
    ).run();
    migrate(db, { target: 2 });
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare('SELECT id FROM tasks').all()).toEqual([{ id: 't1' }]);

    db.prepare(`INSERT INTO evaluators (id, display_name, created_at) VALUES ('ana', 'Ana', 1)`).run();
    db.prepare(
      `INSERT INTO queue_items (evaluator_id, task_id, condition, label, policy, position) VALUES ('ana', 't1', 'practice', 'Practice', 'all', 1)`,
    ).run();
    expect(db.prepare('SELECT study FROM queue_items').get()).toEqual({ study: '' });
    expect(() =>
      db.prepare(`INSERT INTO queue_items (evaluator_id, task_id, condition, label, policy, position) VALUES ('ana', 't1', 'x', 'y', 'all', 2)`).run(),
    ).toThrow(/UNIQUE/);
    expect(() =>
      db.prepare(`INSERT INTO queue_items (evaluator_id, task_id, condition, label, policy, position) VALUES ('bob', 't1', 'x', 'y', 'all', 2)`).run(),
    ).toThrow(/FOREIGN KEY/);
    db.prepare(
      `INSERT INTO reviews (queue_item_id, shown_json, started_at, updated_at, active_updated_at) VALUES (1, '[]', 5, 5, 5)`,
    ).run();
    expect(() => db.prepare(`UPDATE reviews SET status = 'done'`).run()).toThrow(/CHECK/);
    db.prepare(`INSERT INTO review_events (review_id, seq, type, payload_json, server_time) VALUES (1, 1, 'rating-set', '{"rating":3}', 9)`).run();
    expect(() =>
      db.prepare(`INSERT INTO review_events (review_id, seq, type, payload_json, server_time) VALUES (1, 1, 'undone', '{}', 9)`).run(),
    ).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => db.prepare(`UPDATE review_events SET type = 'x'`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`DELETE FROM review_events`).run()).toThrow(/append-only/);
    const strict = db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table' AND name IN ('evaluators','queue_items','reviews','review_events')").all() as {
      sql: string;
    }[];
    expect(strict).toHaveLength(4);
    for (const t of strict) expect(t.sql).toMatch(/STRICT\s*$/);
  });
});
