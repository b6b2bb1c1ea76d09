import { AppError } from '../../../shared/result.js';

/** SQLite's error codes that have a meaning for the user, with what to do about them. */
const advice: Record<string, string> = {
  SQLITE_NOTADB: 'is not an Assay database, or it is corrupt. Restore it from a backup (`assay backup` makes one), or choose another database with --db.',
  SQLITE_CORRUPT: 'is corrupt. Restore it from a backup (`assay backup` makes one), or choose another database with --db.',
  SQLITE_READONLY: 'is read-only, so nothing can be saved. Check the permissions of the file and its folder, or choose another database with --db.',
  SQLITE_CANTOPEN: 'cannot be opened. Check that its folder exists and is writable, or choose another database with --db.',
  SQLITE_FULL: 'cannot grow: the disk is full. Free some space; nothing after the last saved change was written.',
  SQLITE_IOERR: 'could not be read or written (an I/O error). Check the disk; nothing after the last saved change was written.',
  SQLITE_BUSY: 'is busy: another program holds a lock on it for too long. Try again in a moment.',
  SQLITE_PERM: 'may not be accessed (permission denied). Check the permissions of the file and its folder.',
};

/** The SQLite error code of an error (better-sqlite3's SqliteError), if any. */
export function sqliteCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Turns a SQLite failure into an error that says what happened and what to do. Extended codes
 * (SQLITE_IOERR_WRITE, SQLITE_READONLY_DBMOVED …) fall back to their primary code.
 */
export function databaseError(err: unknown, file: string): AppError | undefined {
  const code = sqliteCode(err);
  if (!code) return undefined;
  const primary = Object.keys(advice).find((k) => code === k || code.startsWith(`${k}_`));
  const text = primary ? advice[primary]! : `failed: ${(err as Error).message}`;
  return new AppError('database', `The database ${file} ${text} (${code})`);
}
