import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { migrate } from './migrate.js';
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
}

function nativeBindingFromEnv(options: OpenOptions): string | undefined {
  return options.nativeBinding ?? (process.env['ASSAY_SQLITE_BINDING'] || undefined);
}

function configure(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  db.pragma('synchronous = NORMAL');
}

/** Opens (creating if needed) and migrates the database at `file`. */
export function openDatabase(file: string, options: OpenOptions = {}): WritableDb {
  fs.mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  let db: Database.Database;
  try {
    const binding = nativeBindingFromEnv(options);
    db = new Database(file, binding ? { nativeBinding: binding } : {});
    configure(db);
  } catch (err) {
    throw new AppError('database', `Cannot open the database ${file}: ${(err as Error).message}`);
  }
  const writable = db as WritableDb;
  if (options.migrate !== false) {
    try {
      migrate(writable);
    } catch (err) {
      db.close();
      throw err;
    }
  }
  return writable;
}

/** Opens an existing database for reading only. */
export function openReadonly(file: string, options: OpenOptions = {}): ReadonlyDb {
  const binding = nativeBindingFromEnv(options);
  const db = new Database(file, { readonly: true, fileMustExist: true, ...(binding ? { nativeBinding: binding } : {}) });
  db.pragma('busy_timeout = 5000');
  return db as ReadonlyDb;
}
