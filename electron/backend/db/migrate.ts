import type { Migration } from './migration.js';
import { migrations as allMigrations } from './migrations/index.js';
import type { AnyDb, WritableDb } from './types.js';
import { AppError } from '../../../shared/result.js';

/** The schema version a database is at (SQLite's `user_version`). */
export function schemaVersion(db: AnyDb): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** The schema version this build writes. */
export function latestVersion(migrations: readonly Migration[] = allMigrations): number {
  return migrations.length === 0 ? 0 : migrations[migrations.length - 1]!.version;
}

/**
 * Applies the pending migrations up to `target` in one transaction. Refuses a database written by a
 * newer Assay, since this build cannot know what the newer schema means.
 */
export function migrate(
  db: WritableDb,
  options: { target?: number; migrations?: readonly Migration[] } = {},
): { from: number; to: number } {
  const migrations = options.migrations ?? allMigrations;
  const latest = latestVersion(migrations);
  const target = options.target ?? latest;
  const from = schemaVersion(db);
  if (from > latest) {
    throw new AppError(
      'database',
      `This database was written by a newer version of Assay (schema ${from}; this version understands up to ${latest}). Update Assay, or open another database with --db.`,
    );
  }
  const pending = migrations.filter((m) => m.version > from && m.version <= target);
  if (pending.length === 0) return { from, to: from };
  db.transaction(() => {
    for (const m of pending) {
      if (typeof m.up === 'string') db.exec(m.up);
      else m.up(db);
      db.pragma(`user_version = ${m.version}`);
    }
  }).immediate();
  return { from, to: schemaVersion(db) };
}
