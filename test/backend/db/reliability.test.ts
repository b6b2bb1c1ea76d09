import Database from 'better-sqlite3';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { captureCli } from '../../helpers/cli.js';
import { databaseError } from '../../../electron/backend/db/errors.js';
import { latestVersion, migrate, schemaVersion } from '../../../electron/backend/db/migrate.js';
import { backupBeforeMigration, openDatabase } from '../../../electron/backend/db/open.js';
import type { WritableDb } from '../../../electron/backend/db/types.js';
import { loadDemo } from '../../../electron/backend/demo.js';
import { tempDbPath, tempDir } from '../../helpers/temp.js';

const cli = (argv: string[]) => captureCli(argv);

function caught(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('database problems give clear messages', () => {
  it('a file that is not a database', () => {
    const file = tempDbPath();
    fs.writeFileSync(file, 'this is not sqlite '.repeat(200));
    expect(() => openDatabase(file)).toThrow(/is not an Assay database, or it is corrupt\. Restore it from a backup/);
  });

  it('a corrupt file is refused by the CLI with exit code 1, not a crash', async () => {
    const file = tempDbPath();
    fs.writeFileSync(file, Buffer.alloc(8192, 7));
    const r = await cli(['demo', '--db', file]);
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/corrupt/);
    expect(r.err).not.toMatch(/at .*\.ts:\d+/); // no stack trace
  });

  it('a read-only database (real SQLITE_READONLY)', () => {
    const file = tempDbPath();
    openDatabase(file).close();
    const ro = new Database(file, { readonly: true });
    const err = caught(() => ro.prepare("INSERT INTO meta (key, value) VALUES ('a', 'b')").run());
    expect(databaseError(err, file)?.message).toMatch(/is read-only, so nothing can be saved.*\(SQLITE_READONLY\)/);
    ro.close();
  });

  it('a full disk (real SQLITE_FULL via max_page_count), with nothing half-written', () => {
    const file = tempDbPath();
    const db = openDatabase(file);
    loadDemo(db);
    const before = db.prepare('SELECT count(*) AS n FROM tasks').get();
    const pages = db.pragma('page_count', { simple: true }) as number;
    db.pragma(`max_page_count = ${pages + 2}`);
    const insert = db.prepare(
      `INSERT INTO tasks (id, seq, kind, output, source_json, content_hash, imported_at) VALUES ($id, $seq, 'summary', $out, '{}', 'h', 0)`,
    );
    const err = caught(() =>
      db.transaction(() => {
        for (let i = 0; i < 100; i++) insert.run({ id: `big-${i}`, seq: 1000 + i, out: 'x'.repeat(50_000) });
      }).immediate(),
    );
    expect(databaseError(err, file)?.message).toMatch(/the disk is full/);
    expect(db.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual(before);
    db.close();
  });

  it('maps extended codes to their primary advice and leaves other errors alone', () => {
    expect(databaseError({ code: 'SQLITE_IOERR_WRITE', message: 'x' }, 'f.db')?.message).toMatch(/I\/O error/);
    expect(databaseError(new Error('plain'), 'f.db')).toBeUndefined();
  });
});

describe('backups', () => {
  it('assay backup writes a consistent copy while another connection is writing', async () => {
    const file = tempDbPath();
    const db = openDatabase(file);
    loadDemo(db);
    // an open, uncommitted write on another connection must not leak into the copy
    db.exec('BEGIN');
    db.prepare(`INSERT INTO meta (key, value) VALUES ('uncommitted', 'yes')`).run();
    const out = path.join(tempDir(), 'copy.db');
    const r = await cli(['backup', '--db', file, '--out', out, '--json']);
    db.exec('ROLLBACK');
    db.close();
    expect(r.code, r.err).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ backup: out });
    const copy = new Database(out, { readonly: true });
    expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(copy.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 4 });
    expect(copy.prepare(`SELECT count(*) AS n FROM meta WHERE key = 'uncommitted'`).get()).toEqual({ n: 0 });
    copy.close();
    expect(fs.existsSync(`${out}.partial`)).toBe(false);
  });

  it('assay backup needs --out and an existing database', async () => {
    expect((await cli(['backup', '--db', tempDbPath()])).code).toBe(2);
    expect((await cli(['backup', '--db', path.join(tempDir(), 'none.db'), '--out', path.join(tempDir(), 'x.db')])).code).toBe(1);
  });

  it('copies a database aside before migrating it', () => {
    const file = tempDbPath();
    const db = openDatabase(file);
    loadDemo(db);
    const copy = backupBeforeMigration(db, file, schemaVersion(db));
    db.close();
    expect(path.dirname(copy)).toBe(path.dirname(file));
    const c = new Database(copy, { readonly: true });
    expect(c.prepare('SELECT count(*) AS n FROM tasks').get()).toEqual({ n: 4 });
    c.close();
  });

  it.runIf(latestVersion() >= 2)('openDatabase backs up an older schema before upgrading it', () => {
    const file = tempDbPath();
    const raw = new Database(file) as WritableDb;
    migrate(raw, { target: latestVersion() - 1 });
    raw.close();
    openDatabase(file).close();
    const backups = fs.readdirSync(path.dirname(file)).filter((f) => f.includes(`.before-v${latestVersion()}-`));
    expect(backups).toHaveLength(1);
  });
});
