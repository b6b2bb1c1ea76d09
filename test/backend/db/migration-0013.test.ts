import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/backend/db/migrate.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { exportTasks } from '../../../electron/backend/tasks/export.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import { tempDbPath } from '../../helpers/temp.js';

describe('migration 0013 (task files)', () => {
  it('migrates 12 → 13: existing tasks keep their content, have no files, and stay frozen when shown; multi-file tasks import after it', () => {
    const db = new Database(tempDbPath()) as WritableDb;
    db.pragma('foreign_keys = ON');
    migrate(db, { target: 12 }); // (9–12 are other branches' migrations; before they land this stops at 8)
    db.exec(`
      INSERT INTO tasks (id, seq, kind, output, base, source_json, content_hash, imported_at) VALUES ('t1', 1, 'code', 'b', 'a', '{"id":"t1"}', 'h', 0);
      INSERT INTO evaluators (id, display_name, created_at) VALUES ('ann', 'Ann', 1);
      INSERT INTO queue_items (evaluator_id, task_id, study, condition, label, policy, position) VALUES ('ann', 't1', '', 'practice', 'Practice', 'all', 1);
      INSERT INTO pinned_items (queue_item_id, task_id, task_hash, pinned_at) VALUES (1, 't1', 'sha256:t', 1);
    `);
    migrate(db, { target: 13 });
    expect(schemaVersion(db)).toBe(13);
    expect(db.prepare('SELECT id, output, base, files_json FROM tasks').all()).toEqual([{ id: 't1', output: 'b', base: 'a', files_json: null }]);
    // the frozen-task triggers of migration 5 cover the new column too
    expect(() => db.prepare(`UPDATE tasks SET files_json = '[]' WHERE id = 't1'`).run()).toThrow(/task "t1" is frozen/);
    const line = { id: 'm', kind: 'code', files: [{ path: 'a.py', base: 'x\n', output: 'y\n' }] };
    importTasks(db, [line]);
    expect(db.prepare(`SELECT output, base, files_json FROM tasks WHERE id = 'm'`).get()).toEqual({ output: '', base: null, files_json: '[{"path":"a.py","output":"y\\n","base":"x\\n"}]' });
    let out = '';
    exportTasks(db, (c) => (out += c));
    expect(out.trim().split('\n')[1]).toBe(JSON.stringify(line));
  });
});
