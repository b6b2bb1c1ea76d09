import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { databaseError } from './errors.js';
import { latestVersion, migrate, schemaVersion } from './migrate.js';
import { migrations } from './migrations/index.js';
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
  /**
   * How long a statement waits for another connection's write lock before failing with
   * SQLITE_BUSY (default {@link defaultBusyTimeoutMs}; opening and migrating always wait that
   * long). The thread that answers the UI sets 0 and retries without blocking (see api/backend.ts).
   */
  readonly busyTimeoutMs?: number;
}

function nativeBindingFromEnv(options: OpenOptions): string | undefined {
  return options.nativeBinding ?? (process.env['ASSAY_SQLITE_BINDING'] || undefined);
}

/**
 * How long a connection waits for another one's write lock by default. Imports hold it for a few
 * milliseconds at a time, but publishing a file that replaces many tasks holds it longer (about
 * 0.2 ms per replaced task): a CLI command then waits rather than fail.
 */
export const defaultBusyTimeoutMs = 60_000;

function configure(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  db.pragma(`busy_timeout = ${defaultBusyTimeoutMs}`);
  // FULL: an acknowledged action survives a power cut too, not only a crash of the app.
  db.pragma('synchronous = FULL');
}

/**
 * Checks what is at `file` before SQLite sees it, so that a folder, a file in the way of the
 * folder or an unreadable file gets a message that says so (SQLite only says "cannot open").
 * Creates the folder of a new database.
 */
function preparePath(file: string): void {
  const target = path.resolve(file);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOTDIR') throw pathError(file, `cannot be created: ${blockingFile(target) ?? 'a part of its path'} is a file, not a folder`);
    if (code === 'EACCES') throw pathError(file, 'cannot be reached: permission denied for one of its folders');
    if (code !== 'ENOENT') throw pathError(file, `cannot be opened (${(err as Error).message})`);
  }
  if (stat?.isDirectory()) throw pathError(file, 'is a folder, not a database file', `Name a file instead, e.g. --db ${path.join(file, 'assay.db')}.`);
  if (stat) {
    try {
      fs.accessSync(target, fs.constants.R_OK);
    } catch {
      throw pathError(file, 'cannot be read: permission denied. Check the permissions of the file');
    }
    return;
  }
  try {
    fs.mkdirSync(path.dirname(target), { recursive: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EEXIST' || code === 'ENOTDIR'
        ? `${blockingFile(target) ?? 'a part of its path'} is a file, not a folder`
        : code === 'EACCES' || code === 'EPERM'
          ? `its folder ${path.dirname(target)} cannot be created (permission denied)`
          : `its folder ${path.dirname(target)} cannot be created (${(err as Error).message})`;
    throw pathError(file, `cannot be created: ${why}`);
  }
}

/** The first ancestor of `target` that exists and is not a folder, if any. */
function blockingFile(target: string): string | undefined {
  for (let dir = path.dirname(target); dir !== path.dirname(dir); dir = path.dirname(dir)) {
    try {
      if (!fs.statSync(dir).isDirectory()) return dir;
    } catch {
      // not there (or not reachable): look further up
    }
  }
  return undefined;
}

function pathError(file: string, what: string, hint = 'Choose another database with --db.'): AppError {
  return new AppError('database', `The database ${file} ${what}. ${hint}`);
}

/** Opens (creating if needed) and migrates the database at `file`. */
export function openDatabase(file: string, options: OpenOptions = {}): WritableDb {
  let db: Database.Database | undefined;
  try {
    preparePath(file);
    const binding = nativeBindingFromEnv(options);
    db = new Database(file, binding ? { nativeBinding: binding } : {});
    configure(db);
    // Reading the schema fails early on a file that is not a database.
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    const writable = db as WritableDb;
    if (options.migrate !== false) {
      const from = schemaVersion(writable);
      if (from > latestVersion()) {
        throw new AppError(
          'database',
          `The database ${file} was written by a newer version of Assay (schema ${from}; this version understands up to ${latestVersion()}). Update Assay, or choose another database with --db.`,
        );
      }
      if (from > 0 && from < latestVersion() && options.backupBeforeMigrate !== false) backupBeforeMigration(writable, file, from);
      migrate(writable);
    }
    if (options.busyTimeoutMs !== undefined) db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs))}`);
    return writable;
  } catch (err) {
    db?.close();
    if (err instanceof AppError) throw err;
    throw databaseError(err, file) ?? new AppError('database', `Cannot open the database ${file}: ${(err as Error).message}`);
  }
}

/**
 * Copies a database that is about to be migrated to `<file>.before-v<N>-<time>.db` beside it (N: the
 * first migration it is about to get; versions may have gaps while branches merge), so a failed or
 * unwanted upgrade can be undone. `VACUUM INTO` makes a consistent copy synchronously.
 */
export function backupBeforeMigration(db: WritableDb, file: string, fromVersion: number): string {
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const next = migrations.find((m) => m.version > fromVersion)?.version ?? fromVersion + 1;
  const target = `${file}.before-v${next}-${stamp}.db`;
  db.prepare('VACUUM INTO $target').run({ target });
  return target;
}

/**
 * Opens an existing database for reading only: SQLite refuses every write on this handle. The
 * read worker uses it for long reads (analysis data, exports, study views) beside the app's own
 * connection; in WAL mode it reads a consistent snapshot while others write.
 */
export function openReadonly(file: string, options: Pick<OpenOptions, 'nativeBinding' | 'busyTimeoutMs'> = {}): ReadonlyDb {
  const binding = nativeBindingFromEnv(options);
  let db: Database.Database | undefined;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true, ...(binding ? { nativeBinding: binding } : {}) });
    db.pragma(`busy_timeout = ${Math.max(0, Math.floor(options.busyTimeoutMs ?? defaultBusyTimeoutMs))}`);
    db.prepare('SELECT count(*) FROM sqlite_schema').get();
    return db as ReadonlyDb;
  } catch (err) {
    db?.close();
    throw databaseError(err, file) ?? new AppError('database', `Cannot open the database ${file}: ${(err as Error).message}`);
  }
}
