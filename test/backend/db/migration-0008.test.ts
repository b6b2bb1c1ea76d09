import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/backend/db/migrate.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { tempDbPath } from '../../helpers/temp.js';

describe('migration 0008 (the evaluator’s day)', () => {
  it('migrates 7 → 8: a study that issued a pack is reviewed from packs, any other here; exports and revisions are recorded; a closed study’s reviews stay finished', () => {
    const db = new Database(tempDbPath()) as WritableDb;
    db.pragma('foreign_keys = ON');
    migrate(db, { target: 7 });
    db.exec(`
      INSERT INTO tasks (id, seq, kind, output, source_json, content_hash, imported_at) VALUES ('t1', 1, 'summary', 'x', '{}', 'h', 0), ('t2', 2, 'summary', 'y', '{}', 'h', 0);
      INSERT INTO evaluators (id, display_name, created_at) VALUES ('ann', 'Ann', 1);
      INSERT INTO studies (id, name, seed, overlap, created_at) VALUES ('s1', 'issued', 7, 1, 1), ('s2', 'local', 7, 1, 1);
      INSERT INTO queue_items (evaluator_id, task_id, study, condition, label, policy, position) VALUES ('ann', 't1', 'issued', 'a', 'Set A', 'all', 1), ('ann', 't2', 'local', 'a', 'Set A', 'all', 1);
      INSERT INTO reviews (queue_item_id, status, shown_json, started_at, updated_at, submitted_at, active_updated_at, last_seq) VALUES (2, 'submitted', '[]', 5, 6, 6, 5, 2);
      INSERT INTO packs (id, role, study_id, study_name, evaluator_id, content_hash, created_at, recorded_at) VALUES ('pack-1', 'exported', 's1', 'issued', 'ann', 'sha256:x', 1234, 1234);
    `);
    migrate(db, { target: 8 });
    expect(schemaVersion(db)).toBe(8);
    expect(db.prepare('SELECT name, review_here, researcher FROM studies ORDER BY name').all()).toEqual([
      { name: 'issued', review_here: 0, researcher: null },
      { name: 'local', review_here: 1, researcher: null },
    ]);
    expect(db.prepare('SELECT researcher FROM packs').all()).toEqual([{ researcher: null }]);
    expect(() => db.prepare(`UPDATE studies SET review_here = 2`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`UPDATE studies SET researcher = ''`).run()).toThrow(/CHECK/);

    // exports: which reviews a results file held, at which step
    const exportId = db
      .prepare(`INSERT INTO result_exports (pack_id, file_name, saved_to, content_hash, reviews, exported_at) VALUES ('pack-1', 'f.json', NULL, 'sha256:x', 1, 10)`)
      .run().lastInsertRowid;
    db.prepare('INSERT INTO result_export_reviews (export_id, review_id, last_seq) VALUES ($e, 1, 2)').run({ e: exportId });
    expect(() => db.prepare('INSERT INTO result_export_reviews (export_id, review_id, last_seq) VALUES ($e, 99, 2)').run({ e: exportId })).toThrow(/FOREIGN KEY/);
    expect(db.prepare('SELECT revised FROM result_imports').all()).toEqual([]);

    // reopening a finished review: allowed while its study is open, refused once it is closed
    db.prepare(`UPDATE reviews SET status = 'open' WHERE id = 1`).run();
    db.prepare(`UPDATE reviews SET status = 'submitted' WHERE id = 1`).run();
    db.prepare(`UPDATE studies SET state = 'closed' WHERE name = 'local'`).run();
    expect(() => db.prepare(`UPDATE reviews SET status = 'open' WHERE id = 1`).run()).toThrow(/a finished review cannot be reopened/);
    for (const t of ['result_exports', 'result_export_reviews', 'review_revisions']) {
      const sql = (db.prepare('SELECT sql FROM sqlite_schema WHERE name = $t').get({ t }) as { sql: string }).sql;
      expect(sql, t).toMatch(/STRICT\s*$/);
    }
  });
});
