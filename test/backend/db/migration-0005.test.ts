import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/backend/db/migrate.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { tempDbPath } from '../../helpers/temp.js';

describe('migration 0005 (integrity)', () => {
  it('migrates 4 → 5: studies open (frozen once they showed something), version-1 pack issues, triggers that keep shown tasks as they were', () => {
    const db = new Database(tempDbPath()) as WritableDb;
    db.pragma('foreign_keys = ON');
    migrate(db, { target: 4 });
    db.exec(`
      INSERT INTO tasks (id, seq, kind, output, source_json, content_hash, imported_at) VALUES ('t1', 1, 'summary', 'x', '{}', 'h', 0), ('t2', 2, 'summary', 'y', '{}', 'h', 0), ('t3', 3, 'summary', 'z', '{}', 'h', 0);
      INSERT INTO critiques (task_id, id, position, text) VALUES ('t1', 'c1', 0, 'a'), ('t3', 'c1', 0, 'a');
      INSERT INTO evaluators (id, display_name, created_at) VALUES ('ann', 'Ann', 1);
      INSERT INTO studies (id, name, seed, overlap, created_at) VALUES ('s1', 'issued', 7, 1, 1), ('s2', 'fresh', 7, 1, 1);
      INSERT INTO study_tasks (study_id, position, task_id) VALUES ('s1', 0, 't1'), ('s2', 0, 't2');
      INSERT INTO queue_items (evaluator_id, task_id, study, condition, label, policy, position) VALUES ('ann', 't1', 'issued', 'a', 'Set A', 'all', 1), ('ann', 't3', '', 'practice', 'Practice', 'all', 3);
      INSERT INTO reviews (queue_item_id, status, shown_json, started_at, updated_at, active_updated_at) VALUES (2, 'open', '["c1"]', 5, 5, 5);
      INSERT INTO packs (id, role, study_id, study_name, evaluator_id, content_hash, created_at, recorded_at) VALUES ('pack-1', 'exported', 's1', 'issued', 'ann', 'sha256:x', 1234, 1234);
    `);
    migrate(db, { target: 5 });
    expect(schemaVersion(db)).toBe(5);
    expect(db.prepare('SELECT name, state, closed_at, frozen_at FROM studies ORDER BY name').all()).toEqual([
      { name: 'fresh', state: 'open', closed_at: null, frozen_at: null },
      { name: 'issued', state: 'open', closed_at: null, frozen_at: 1234 },
    ]);
    // the packs issued before: issue v1, no secret (their version-1 results stay readable, unauthenticated)
    expect(db.prepare('SELECT pack_id, role, issue, format_version, secret FROM pack_issues').all()).toEqual([
      { pack_id: 'pack-1', role: 'exported', issue: 'v1', format_version: 1, secret: null },
    ]);
    expect(db.prepare("SELECT authenticated FROM result_imports").all()).toEqual([]);

    // a task in a study that issued a pack, and a reviewed task, are frozen; t2 (fresh study) is not
    expect(() => db.prepare(`UPDATE tasks SET output = 'changed' WHERE id = 't1'`).run()).toThrow(/task "t1" is frozen/);
    expect(() => db.prepare(`DELETE FROM critiques WHERE task_id = 't1'`).run()).toThrow(/task "t1" is frozen.*critiques cannot change/);
    expect(() => db.prepare(`INSERT INTO flaws (task_id, id, position, description) VALUES ('t1', 'f9', 0, 'new truth')`).run()).toThrow(/flaws cannot change/);
    expect(() => db.prepare(`UPDATE critiques SET text = 'other' WHERE task_id = 't3'`).run()).toThrow(/task "t3" is frozen/);
    db.prepare(`UPDATE tasks SET output = 'changed' WHERE id = 't2'`).run();
    db.prepare(`INSERT INTO critiques (task_id, id, position, text) VALUES ('t2', 'c1', 0, 'fine')`).run();

    // pins and pack secrets are append-only; a version-2 issue needs a secret of 32 bytes in hex
    db.prepare(`INSERT INTO pinned_items (queue_item_id, task_id, task_hash, pinned_at) VALUES (1, 't1', 'sha256:t', 1)`).run();
    db.prepare(`INSERT INTO pinned_critiques (queue_item_id, position, neutral_id, critique_id, critique_hash) VALUES (1, 0, 'k1', 'c1', 'sha256:c')`).run();
    expect(() => db.prepare(`INSERT INTO pinned_critiques (queue_item_id, position, neutral_id, critique_id, critique_hash) VALUES (1, 1, 'k7', 'c2', 'h')`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`UPDATE pinned_critiques SET critique_id = 'c2'`).run()).toThrow(/append-only/);
    expect(() => db.prepare(`DELETE FROM pinned_items`).run()).toThrow(/append-only/);
    const issue = db.prepare(
      `INSERT INTO pack_issues (pack_id, role, issue, format_version, secret, content_hash, created_at, recorded_at) VALUES ('pack-1', 'exported', $issue, 2, $secret, 'h', 1, 1)`,
    );
    expect(() => issue.run({ issue: 'a', secret: null })).toThrow(/CHECK/);
    expect(() => issue.run({ issue: 'b', secret: 'XYZ'.repeat(21) + 'a' })).toThrow(/CHECK/);
    issue.run({ issue: 'c', secret: 'ab'.repeat(32) });
    expect(() => db.prepare(`UPDATE pack_issues SET secret = $s WHERE issue = 'c'`).run({ s: 'cd'.repeat(32) })).toThrow(/append-only/);
    for (const t of ['pack_issues', 'pinned_items', 'pinned_critiques']) {
      const sql = (db.prepare('SELECT sql FROM sqlite_schema WHERE name = $t').get({ t }) as { sql: string }).sql;
      expect(sql, t).toMatch(/STRICT\s*$/);
    }
  });
});
