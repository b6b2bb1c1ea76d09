import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/backend/db/migrate.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { listImportedPacks } from '../../../electron/backend/studies/packs.js';
import { getStudy } from '../../../electron/backend/studies/repository.js';
import { tempDbPath } from '../../helpers/temp.js';

describe('migration 0009 (study settings)', () => {
  it('migrates 8 → 9: studies and packs keep their time limit as it was (shown, not enforced), settings never change, open reviews are indexed', () => {
    const db = new Database(tempDbPath()) as WritableDb;
    db.pragma('foreign_keys = ON');
    migrate(db, { target: 8 });
    db.exec(`
      INSERT INTO evaluators (id, display_name, created_at) VALUES ('ann', 'Ann', 1);
      INSERT INTO studies (id, name, seed, overlap, time_limit_seconds, created_at) VALUES ('s1', 'timed', 7, 1, 900, 1), ('s2', 'plain', 7, 1, NULL, 2);
      INSERT INTO packs (id, role, study_id, study_name, evaluator_id, time_limit_seconds, content_hash, created_at, recorded_at)
        VALUES ('pack-1', 'imported', 'x1', 'elsewhere', 'ann', 600, 'sha256:x', 1, 1), ('pack-2', 'imported', 'x2', 'untimed', 'ann', NULL, 'sha256:y', 2, 2);
    `);
    migrate(db, { target: 9 });
    expect(schemaVersion(db)).toBe(9);
    expect(db.prepare('SELECT name, settings_json FROM studies ORDER BY name').all()).toEqual([
      { name: 'plain', settings_json: '{}' },
      { name: 'timed', settings_json: '{"timeLimitSeconds":900,"onTimeLimit":"advisory"}' },
    ]);
    expect(getStudy(db, 'timed').settings).toMatchObject({ timeLimitSeconds: 900, onTimeLimit: 'advisory', rating: 'required', rejectReason: 'required', question: null });
    expect(getStudy(db, 'plain').settings).toMatchObject({ timeLimitSeconds: null, onTimeLimit: null, rating: 'required' });
    expect(listImportedPacks(db).map((p) => [p.id, p.settings.timeLimitSeconds, p.settings.onTimeLimit])).toEqual([
      ['pack-1', 600, 'advisory'],
      ['pack-2', null, null],
    ]);
    expect(() => db.prepare(`UPDATE studies SET settings_json = '{"rating":"off"}' WHERE name = 'plain'`).run()).toThrow(/settings cannot change/);
    expect(() => db.prepare(`INSERT INTO studies (id, name, seed, overlap, created_at, settings_json) VALUES ('s3', 'bad', 1, 1, 1, '[1]')`).run()).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO studies (id, name, seed, overlap, created_at, settings_json) VALUES ('s3', 'bad', 1, 1, 1, 'not json')`).run()).toThrow(/CHECK|malformed/);
    db.prepare(`UPDATE studies SET state = 'closed' WHERE name = 'plain'`).run(); // other columns still change
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT id FROM reviews INDEXED BY reviews_open WHERE status = 'open'`).all() as { detail: string }[];
    expect(plan.map((p) => p.detail).join(' ')).toMatch(/reviews_open/);
    for (const t of ['studies', 'packs']) {
      const sql = (db.prepare('SELECT sql FROM sqlite_schema WHERE name = $t').get({ t }) as { sql: string }).sql;
      expect(sql, t).toMatch(/STRICT\s*$/);
    }
  });
});
