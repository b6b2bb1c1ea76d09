import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../../electron/backend/db/migrate.js';
import { openDatabase } from '../../../electron/backend/db/open.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { dispatch } from '../../../electron/backend/api/dispatch.js';
import { createHandlers } from '../../../electron/backend/api/handlers/index.js';
import { importTasks } from '../../../electron/backend/tasks/import.js';
import type { StudyCheck } from '../../../shared/study/check.js';
import { captureCli } from '../../helpers/cli.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';
import { studyTasks } from './fixtures.js';

// Six tasks with four critiques each (one a decoy, one unscored) and one anchored flaw; two more
// tasks without critiques.
function setUp(): string {
  const dbPath = tempDbPath();
  const db = openDatabase(dbPath);
  importTasks(db, [...studyTasks(6), ...[1, 2].map((i) => ({ id: `bare-${i}`, kind: 'summary', output: `A summary without critiques ${i}.` }))]);
  db.close();
  return dbPath;
}

describe('assay study create / check / plan', () => {
  it('refuses an assisted condition that shows nothing on every task unless --force, and stores the check with the study', async () => {
    const db = setUp();
    const args = ['study', 'create', '--name', 'bare', '--conditions', 'unassisted:none,assisted:all', '--evaluators', 'a,b,c', '--overlap', '2', '--seed', '1', '--tasks'];
    const ids = path.join(tempDir(), 'ids.txt');
    fs.writeFileSync(ids, 'bare-1\nbare-2\n');
    const refused = await captureCli([...args, ids, '--db', db]);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/The study check refuses this design:\n- assisted \(all\) is meant to assist but shows no critique on any of the 2 tasks/);
    expect(refused.err).toMatch(/--force/);
    expect((await captureCli(['study', 'list', '--json', '--db', db])).out).toBe('[]\n'); // nothing written

    const forced = await captureCli([...args, ids, '--force', '--json', '--db', db]);
    expect(forced.code, forced.err).toBe(0);
    const study = JSON.parse(forced.out) as { check: { forced: boolean; check: StudyCheck } };
    expect(study.check.forced).toBe(true);
    expect(study.check.check.hazards.find((h) => h.severity === 'error')!.code).toBe('assisted-shows-nothing');

    const check = await captureCli(['study', 'check', 'bare', '--db', db]);
    expect(check.code).toBe(0);
    expect(check.out).toMatch(/ERROR \[assisted-shows-nothing\]/);
    expect(check.out).toMatch(/created with --force/);
    const json = JSON.parse((await captureCli(['study', 'check', 'bare', '--json', '--db', db])).out) as StudyCheck & { stored: { forced: boolean } };
    expect(json.refused).toBe(true);
    expect(json.stored.forced).toBe(true);
    expect(json.hazards.map((h) => h.code)).toEqual(expect.arrayContaining(['assisted-shows-nothing', 'no-flaws', 'agreement-impossible']));
  });

  it('prints the hazards of a created study with counts and what to do; an unknown study is refused by name', async () => {
    const db = setUp();
    const created = await captureCli(['study', 'create', '--name', 'p', '--conditions', 'u:none,a:all,t:top-2', '--evaluators', 'a,b,c', '--overlap', '2', '--seed', '1', '--db', db]);
    expect(created.code, created.err).toBe(0);
    expect(created.out).toMatch(/warning \[agreement-impossible\] With 3 conditions and overlap 2/);
    expect(created.out).toMatch(/warning \[assisted-empty-on-tasks\] a \(all\) shows no critique on 2 tasks/);
    expect(created.out).toMatch(/count: 2\n {2}what to do: /);
    const unknown = await captureCli(['study', 'check', 'nope', '--db', db]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/No study "nope"/);
  });

  it('plans a study: designs with power and interval width, JSON and text; bad options are usage errors', async () => {
    const db = setUp();
    const r = await captureCli(['study', 'plan', '--conditions', 'u:none,a:all', '--uplift', '1.5', '--json', '--db', db]);
    expect(r.code, r.err).toBe(0);
    const plan = JSON.parse(r.out) as { designs: { tasks: number; evaluators: number; power: number }[]; assumptions: { uplift: number } };
    expect(plan.assumptions.uplift).toBe(1.5);
    expect(plan.designs[0]).toMatchObject({ tasks: 8, evaluators: 3 });
    const text = await captureCli(['study', 'plan', '--conditions', 'u:none,a:all', '--uplift', '0.5', '--evaluator-sd', '0', '--db', db]);
    expect(text.out).toMatch(/Plan: detect a 50% uplift in caught flaws per review with 80% power/);
    expect(text.out).toMatch(/tasks\tevaluators\toverlap\tpower\tmedian 95% CI width/);
    const bad = await captureCli(['study', 'plan', '--conditions', 'u:none,a:all', '--uplift', 'lots', '--db', db]);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/--uplift: expected a number from 0.01 to 10, not "lots"/);
    const noBase = await captureCli(['study', 'plan', '--conditions', 'a:all,b:top-1', '--uplift', '0.5', '--db', db]);
    expect(noBase.code).toBe(1);
    expect(noBase.err).toMatch(/needs an unassisted condition/);
  });

  it('the contract: studies:check before create, studies:create refuses without force', async () => {
    const db = openDatabase(setUp());
    const handlers = createHandlers({ db, dbPath: '', host: 'browser' });
    const check = await dispatch(handlers, 'studies:check', { conditions: [{ name: 'u', policy: 'none' }, { name: 'v', policy: 'valid-only' }], evaluators: 3, overlap: 2, tasks: ['bare-1'] });
    expect(check).toMatchObject({ ok: true, value: { refused: true } });
    const create = { name: 'x', conditions: [{ name: 'u', policy: 'none' }, { name: 'v', policy: 'valid-only' }], evaluators: [{ id: 'a' }, { id: 'b' }], overlap: 2, seed: 1, tasks: ['bare-1'] };
    expect(await dispatch(handlers, 'studies:create', create)).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/refuses this design/) } });
    expect(await dispatch(handlers, 'studies:create', { ...create, force: true })).toMatchObject({ ok: true, value: { check: { forced: true } } });
    const hostile = await dispatch(handlers, 'studies:check', { conditions: [{ name: 'u', policy: 'top-0' }], evaluators: 3, overlap: 2 });
    expect(hostile).toMatchObject({ ok: false, error: { code: 'bad-request', message: expect.stringMatching(/policy/) } });
    db.close();
  });
});

describe('migration 0007 (study checks)', () => {
  it('migrates 6 → 7 keeping studies; checks are STRICT, one per study, deleted with it', () => {
    const db = new Database(tempDbPath()) as WritableDb;
    db.pragma('foreign_keys = ON');
    migrate(db, { target: 6 });
    db.exec(`INSERT INTO studies (id, name, seed, overlap, created_at) VALUES ('s1', 'pilot', 7, 1, 1);`);
    migrate(db, { target: 7 });
    expect(schemaVersion(db)).toBe(7);
    expect(db.prepare('SELECT name FROM studies').all()).toEqual([{ name: 'pilot' }]);
    const insert = db.prepare(`INSERT INTO study_checks (study_id, check_json, forced, created_at) VALUES ($id, '{}', $forced, 1)`);
    insert.run({ id: 's1', forced: 0 });
    expect(() => insert.run({ id: 's1', forced: 0 })).toThrow(/UNIQUE|PRIMARY/);
    expect(() => insert.run({ id: 'nope', forced: 0 })).toThrow(/FOREIGN KEY/);
    expect(() => db.prepare(`INSERT INTO study_checks (study_id, check_json, forced, created_at) VALUES ('s1', '{}', 2, 1)`).run()).toThrow(/CHECK|UNIQUE|PRIMARY/);
    db.prepare(`DELETE FROM studies`).run();
    expect(db.prepare('SELECT count(*) AS n FROM study_checks').get()).toEqual({ n: 0 });
  });
});
