import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { latestVersion, migrate, schemaVersion } from '../../../electron/backend/db/migrate.js';
import { openDatabase } from '../../../electron/backend/db/open.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { tempDbPath } from '../../helpers/temp.js';

function rawDb(path: string): WritableDb {
  return new Database(path) as WritableDb;
}

describe('database', () => {
  it('opens a new file with WAL, synchronous=FULL, foreign keys and STRICT tables at the latest schema', () => {
    const db = openDatabase(tempDbPath());
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    // FULL (2): every commit is synced, so an acknowledged action survives a power cut (NORMAL, 1, would not)
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(latestVersion());
    // (the full-text index is a virtual table: FTS5 makes its own tables, which cannot be STRICT)
    const fts = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%'").all() as { name: string }[]).map((r) => r.name);
    expect(fts).toEqual(['task_search']);
    const tables = (db.prepare("SELECT name, sql FROM sqlite_schema WHERE type = 'table'").all() as { name: string; sql: string }[]).filter(
      (t) => !fts.some((f) => t.name === f || t.name.startsWith(`${f}_`)),
    );
    expect(tables.length).toBeGreaterThan(0);
    for (const t of tables) expect(t.sql, t.name).toMatch(/\)\s*STRICT\s*$/);
    db.close();
  });

  it('refuses a database written by a newer Assay, naming both versions', () => {
    const path = tempDbPath();
    const raw = rawDb(path);
    raw.pragma(`user_version = ${latestVersion() + 5}`);
    raw.close();
    expect(() => openDatabase(path)).toThrow(/newer version of Assay \(schema \d+; this version understands up to \d+\)/);
  });

  it('rolls a failing migration back as a whole', () => {
    const db = rawDb(tempDbPath());
    const bad = [
      { version: 1, name: 'ok', up: 'CREATE TABLE a (x INTEGER) STRICT;' },
      { version: 2, name: 'broken', up: 'CREATE TABLE b (x INTEGER) STRICT; THIS IS NOT SQL;' },
    ];
    expect(() => migrate(db, { migrations: bad })).toThrow(/syntax error/);
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'a'").get()).toEqual({ n: 0 });
  });

  it('is a no-op on an up-to-date database', () => {
    const path = tempDbPath();
    openDatabase(path).close();
    const db = openDatabase(path);
    expect(migrate(db)).toEqual({ from: latestVersion(), to: latestVersion() });
  });
});

describe('migration 0001 (tasks)', () => {
  it('migrates 0 → 1 and enforces the task constraints', () => {
    const db = rawDb(tempDbPath());
    db.pragma('foreign_keys = ON');
    migrate(db, { target: 0 });
    expect(schemaVersion(db)).toBe(0);
    migrate(db, { target: 1 });
    expect(schemaVersion(db)).toBe(1);
    db.prepare(
      `INSERT INTO tasks (id, seq, kind, output, source_json, content_hash, imported_at) VALUES ('t1', 1, 'summary', 'x', '{}', 'h', 0)`,
    ).run();
    db.prepare(`INSERT INTO critiques (task_id, id, position, text) VALUES ('t1', 'c1', 0, 'a critique')`).run();
    expect(() => db.prepare(`INSERT INTO critiques (task_id, id, position, text) VALUES ('nope', 'c1', 0, 'x')`).run()).toThrow(/FOREIGN KEY/);
    expect(() =>
      db.prepare(`INSERT INTO tasks (id, seq, kind, output, source_json, content_hash, imported_at) VALUES ('t2', 2, 'poem', 'x', '{}', 'h', 0)`).run(),
    ).toThrow(/CHECK/);
    expect(() =>
      db.prepare(`INSERT INTO tasks (id, seq, kind, output, source_json, content_hash, imported_at) VALUES ('t3', 'three', 'code', 'x', '{}', 'h', 0)`).run(),
    ).toThrow(/cannot store TEXT value in INTEGER column/);
    db.prepare(`DELETE FROM tasks WHERE id = 't1'`).run();
    expect(db.prepare('SELECT count(*) AS n FROM critiques').get()).toEqual({ n: 0 });
  });
});
