import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/backend/db/migrate.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { tempDbPath } from '../../helpers/temp.js';

describe('migration 0010 (task search)', () => {
  it('migrates 9 → 10: indexes every existing task (frozen ones too) and keeps the index and facets in step with later writes', () => {
    const db = new Database(tempDbPath()) as WritableDb;
    db.pragma('foreign_keys = ON');
    migrate(db, { target: 9 }); // every migration before this one
    db.exec(`
      INSERT INTO tasks (id, seq, kind, title, output, context_json, meta_json, source_json, content_hash, imported_at)
        VALUES ('t1', 1, 'summary', 'Footbridge', 'The council closed it.', '{"query":"Résumé please"}', '{"source":"cliff"}', '{}', 'h', 0),
               ('t2', 2, 'code', NULL, 'def f(): pass', '{"problem":"Write zebra code"}', '{"source":{"nested":1}}', '{}', 'h', 0),
               ('t3', 3, 'summary', NULL, 'not json meta', NULL, 'not json', '{}', 'h', 0);
      INSERT INTO critiques (task_id, id, position, text) VALUES ('t1', 'c1', 0, 'a'), ('t1', 'c2', 1, 'b');
      INSERT INTO flaws (task_id, id, position, description, anchor_json) VALUES ('t1', 'f1', 0, 'd', '{"quote":"council"}'), ('t1', 'f2', 1, 'd', NULL);
      INSERT INTO evaluators (id, display_name, created_at) VALUES ('ann', 'Ann', 1);
      INSERT INTO queue_items (evaluator_id, task_id, study, condition, label, policy, position) VALUES ('ann', 't1', '', 'practice', 'Practice', 'all', 1);
      INSERT INTO reviews (queue_item_id, status, shown_json, started_at, updated_at, active_updated_at) VALUES (1, 'open', '[]', 5, 5, 5);
    `);
    migrate(db, { target: 10 });
    expect(schemaVersion(db)).toBe(10);
    expect(db.prepare('SELECT seq, task_id, kind, sort_title, source, critiques, flaws, anchored_flaws FROM task_facets ORDER BY seq').all()).toEqual([
      { seq: 1, task_id: 't1', kind: 'summary', sort_title: 'Footbridge', source: 'cliff', critiques: 2, flaws: 2, anchored_flaws: 1 },
      { seq: 2, task_id: 't2', kind: 'code', sort_title: 't2', source: null, critiques: 0, flaws: 0, anchored_flaws: 0 },
      { seq: 3, task_id: 't3', kind: 'summary', sort_title: 't3', source: null, critiques: 0, flaws: 0, anchored_flaws: 0 },
    ]);
    const match = (q: string): number[] => (db.prepare('SELECT rowid FROM task_search WHERE task_search MATCH ? ORDER BY rowid').all(q) as { rowid: number }[]).map((r) => r.rowid);
    expect(match('"footbridge"')).toEqual([1]);
    expect(match('"resume"')).toEqual([1]); // context.query, accents folded
    expect(match('"zebra"')).toEqual([2]); // context.problem
    expect(match('"t3"')).toEqual([3]); // the id
    // t1 is frozen (it has a review): the triggers of migration 5 still refuse changing it
    expect(() => db.prepare(`UPDATE tasks SET output = 'changed' WHERE id = 't1'`).run()).toThrow(/frozen/);
    // later writes keep both in step
    db.exec(`
      INSERT INTO tasks (id, seq, kind, title, output, source_json, content_hash, imported_at) VALUES ('t4', 4, 'summary', 'Viaduct', 'aqueduct', '{}', 'h', 0);
      INSERT INTO critiques (task_id, id, position, text) VALUES ('t4', 'c1', 0, 'x');
      UPDATE tasks SET title = 'Renamed', output = 'canal' WHERE id = 't2';
      DELETE FROM tasks WHERE id = 't3';
    `);
    expect(match('"aqueduct"')).toEqual([4]);
    expect(match('"canal"')).toEqual([2]);
    expect(match('"renamed"')).toEqual([2]);
    expect(match('"def"')).toEqual([]);
    expect(match('"t3"')).toEqual([]);
    expect(db.prepare('SELECT task_id, sort_title, critiques FROM task_facets ORDER BY seq').all()).toEqual([
      { task_id: 't1', sort_title: 'Footbridge', critiques: 2 },
      { task_id: 't2', sort_title: 'Renamed', critiques: 0 },
      { task_id: 't4', sort_title: 'Viaduct', critiques: 1 },
    ]);
    const sql = (db.prepare(`SELECT sql FROM sqlite_schema WHERE name = 'task_facets'`).get() as { sql: string }).sql;
    expect(sql).toMatch(/STRICT\s*$/);
  });
});
