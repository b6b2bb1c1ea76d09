import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { databaseError } from './errors.js';
import { latestVersion, migrate, schemaVersion } from './migrate.js';
import type { ReadonlyDb, WritableDb } from './types.js';
import { AppError } from '../../../shared/result.js';

/** Options for opening the database. */
export interface OpenOptions {
  /**
   * Path to a better-sqlite3 native addon built for another runtime (the Electron ABI in the
   * desktop app). Unset: the addon that npm installed for Node. See README, "Desktop builds".
   */
  readonly nativeBinding?: string;
  /** Skip migrations (tests of the migration runner). */
  readonly migrate?: boolean;
  /** Copy the database aside before migrating an existing one (default true). */
  readonly backupBeforeMigrate?: boolean;
}

function nativeBindingFromEnv(options: OpenOptions): string | undefined {
  return options.nativeBinding ?? (process.env['ASSAY_SQLITE_BINDING'] || undefined);
}

function configure(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  // FULL: an acknowledged action survives a power cut too, not only a crash of the app.
  db.pragma('synchronous = FULL');
}

/** Opens (creating if needed) and migrates the database at `file`. */
export function openDatabase(file: string, options: OpenOptions = {}): WritableDb {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Database.Database | undefined;
  try {
    const binding = nativeBindingFromEnv(options);
    db = new Database(file, binding ? { nativeBinding: binding } : {});
    configure(db);
    // Reading the schema fails early on a file that is not a database.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    const writable = db as WritableDb;
    if (options.migrate !== false) {
      const from = schemaVersion(writable);
      if (from > 0 && from < latestVersion() && options.backupBeforeMigrate !== false) backupBeforeMigration(writable, file, from);
      migrate(writable);
    }
    return writable;
  } catch (err) {
    db?.close();
    if (err instanceof AppError) throw err;
    throw databaseError(err, file) ?? new AppError('database', `Cannot open the database ${file}: ${(err as Error).message}`);
  }
}

/**
 * Copies a database that is about to be migrated to `<file>.before-v<N>-<time>.db` beside it, so
 * a failed or unwanted upgrade can be undone. `VACUUM INTO` makes a consistent copy synchronously.
 */
export function backupBeforeMigration(db: WritableDb, file: string, fromVersion: number): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const target = `${file}.before-v${fromVersion + 1}-${stamp}.db`;
  db.prepare('VACUUM INTO $target').run({ target });
  return target;
}

/** Opens an existing database for reading only. */
export function openReadonly(file: string, options: OpenOptions = {}): ReadonlyDb {
  const binding = nativeBindingFromEnv(options);
  const db = new Database(file, { readonly: true, fileMustExist: true, ...(binding ? { nativeBinding: binding } : {}) });
  db.pragma('busy_timeout = 5000');
  return db as ReadonlyDb;
}
