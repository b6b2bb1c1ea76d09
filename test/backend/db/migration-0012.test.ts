import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/backend/db/migrate.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { tempDbPath } from '../../helpers/temp.js';

describe('migration 0012 (critics)', () => {
  it('migrates 11 → 12: critiques keep their rows; generated critiques may join practice-reviewed tasks, never study-shown ones', () => {
    const db = new Database(tempDbPath()) as WritableDb;
    db.pragma('foreign_keys = ON');
    migrate(db, { target: 11 });
    db.exec(`
      INSERT INTO tasks (id, seq, kind, output, source_json, content_hash, imported_at) VALUES
        ('free', 1, 'summary', 'x', '{}', 'h1', 0), ('practiced', 2, 'summary', 'y', '{}', 'h2', 0), ('studied', 3, 'summary', 'z', '{}', 'h3', 0);
      INSERT INTO critiques (task_id, id, position, text, score) VALUES ('free', 'c1', 0, 'a', 0.5), ('practiced', 'c1', 0, 'b', NULL), ('studied', 'c1', 0, 'c', 1);
      INSERT INTO evaluators (id, display_name, created_at) VALUES ('ann', 'Ann', 1);
      INSERT INTO studies (id, name, seed, overlap, created_at, frozen_at) VALUES ('s1', 'pilot', 7, 1, 1, 5);
      INSERT INTO study_tasks (study_id, position, task_id) VALUES ('s1', 0, 'studied');
      INSERT INTO queue_items (evaluator_id, task_id, study, condition, label, policy, position) VALUES ('ann', 'practiced', '', 'practice', 'Practice', 'all', 2);
      INSERT INTO reviews (queue_item_id, status, shown_json, started_at, updated_at, active_updated_at) VALUES (1, 'open', '["c1"]', 5, 5, 5);
    `);
    migrate(db, { target: 12 });
    expect(schemaVersion(db)).toBe(12);
    expect(db.prepare('SELECT task_id, id, critic, sample, generated, hallucinated, source_json FROM critiques ORDER BY task_id').all()).toEqual([
      { task_id: 'free', id: 'c1', critic: null, sample: null, generated: 0, hallucinated: 0, source_json: null },
      { task_id: 'practiced', id: 'c1', critic: null, sample: null, generated: 0, hallucinated: 0, source_json: null },
      { task_id: 'studied', id: 'c1', critic: null, sample: null, generated: 0, hallucinated: 0, source_json: null },
    ]);
    db.exec(`INSERT INTO critics (name, model, base_url, prompts_json, params_json, key_json, created_at, updated_at) VALUES ('gpt', 'm', 'http://x', '{}', '{}', '{"kind":"none"}', 1, 1)`);
    expect(() => db.exec(`INSERT INTO critics (name, model, base_url, prompts_json, params_json, key_json, created_at, updated_at) VALUES ('a,b:c', 'm', 'http://x', '{}', '{}', '{}', 1, 1)`)).toThrow(/CHECK/);
    const addSample = db.prepare(`INSERT INTO critic_samples (task_id, critic, sample, critiques, hallucinated, provenance_json, created_at) VALUES ($task, 'gpt', 0, 1, 0, '{}', 1)`);
    const addGenerated = db.prepare(`INSERT INTO critiques (task_id, id, position, text, critic, sample, generated) VALUES ($task, 'gpt.s0.c1', 1, 'new', 'gpt', 0, 1)`);
    // a task nobody saw, and one only a practice review showed: generated critiques may join
    for (const task of ['free', 'practiced']) {
      addSample.run({ task });
      addGenerated.run({ task });
    }
    // a task a study froze: refused, by the sample and by the critique
    expect(() => addSample.run({ task: 'studied' })).toThrow(/task "studied" is frozen: a study has shown it/);
    expect(() => addGenerated.run({ task: 'studied' })).toThrow(/task "studied" is frozen: a study has shown it/);
    // an imported critique still cannot join a practice-reviewed task (migration 5's rule), nor can anything be deleted there
    expect(() => db.exec(`INSERT INTO critiques (task_id, id, position, text) VALUES ('practiced', 'c9', 2, 'x')`)).toThrow(/frozen/);
    expect(() => db.exec(`DELETE FROM critic_samples WHERE task_id = 'practiced'`)).toThrow(/frozen/);
    expect(() => db.exec(`DELETE FROM critiques WHERE task_id = 'practiced' AND generated = 1`)).toThrow(/frozen/);
    // a task replaced by an import loses its samples (its generated critiques go with the old content)
    db.exec(`UPDATE tasks SET content_hash = 'h1b', output = 'x2' WHERE id = 'free'`);
    expect(db.prepare(`SELECT count(*) AS n FROM critic_samples WHERE task_id = 'free'`).get()).toEqual({ n: 0 });
    expect(db.prepare(`SELECT count(*) AS n FROM critic_samples WHERE task_id = 'practiced'`).get()).toEqual({ n: 1 });
    for (const t of ['critics', 'critic_samples']) {
      const sql = (db.prepare('SELECT sql FROM sqlite_schema WHERE name = $t').get({ t }) as { sql: string }).sql;
      expect(sql, t).toMatch(/STRICT\s*$/);
    }
  });
});
