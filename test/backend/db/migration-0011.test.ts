import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/backend/db/migrate.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { tempDbPath } from '../../helpers/temp.js';

describe('migration 0011 (study housekeeping)', () => {
  it('migrates 10 → 11: no study archived; only closed studies archive; a study that showed anything is never deleted', () => {
    const db = new Database(tempDbPath()) as WritableDb;
    db.pragma('foreign_keys = ON');
    migrate(db, { target: 10 });
    db.exec(`
      INSERT INTO tasks (id, seq, kind, output, source_json, content_hash, imported_at) VALUES ('t1', 1, 'summary', 'x', '{}', 'h', 0);
      INSERT INTO evaluators (id, display_name, created_at) VALUES ('ann', 'Ann', 1);
      INSERT INTO studies (id, name, seed, overlap, created_at, frozen_at) VALUES ('s1', 'shown', 7, 1, 1, 99), ('s2', 'fresh', 7, 1, 1, NULL), ('s3', 'reviewed', 7, 1, 1, NULL);
      INSERT INTO study_tasks (study_id, position, task_id) VALUES ('s1', 0, 't1'), ('s2', 0, 't1');
      INSERT INTO queue_items (evaluator_id, task_id, study, condition, label, policy, position) VALUES ('ann', 't1', 'reviewed', 'a', 'Set A', 'all', 1);
      INSERT INTO reviews (queue_item_id, status, shown_json, started_at, updated_at, active_updated_at) VALUES (1, 'open', '[]', 5, 5, 5);
    `);
    migrate(db, { target: 11 });
    expect(schemaVersion(db)).toBe(11);
    expect(db.prepare('SELECT name, archived_at FROM studies ORDER BY name').all()).toEqual([
      { name: 'fresh', archived_at: null },
      { name: 'reviewed', archived_at: null },
      { name: 'shown', archived_at: null },
    ]);
    expect(() => db.prepare(`UPDATE studies SET archived_at = 5 WHERE name = 'shown'`).run()).toThrow(/only a closed study can be archived/);
    db.prepare(`UPDATE studies SET state = 'closed', closed_at = 4 WHERE name = 'shown'`).run();
    db.prepare(`UPDATE studies SET archived_at = 5 WHERE name = 'shown'`).run();
    expect(() => db.prepare(`DELETE FROM studies WHERE name = 'shown'`).run()).toThrow(/cannot be deleted/);
    expect(() => db.prepare(`DELETE FROM studies WHERE name = 'reviewed'`).run()).toThrow(/cannot be deleted/);
    db.prepare(`DELETE FROM studies WHERE name = 'fresh'`).run();
    expect(db.prepare('SELECT study_id FROM study_tasks').all()).toEqual([{ study_id: 's1' }]);
  });
});
