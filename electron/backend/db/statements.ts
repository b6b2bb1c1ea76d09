import type { Statement } from 'better-sqlite3';
import type { AnyDb } from './types.js';

// Statements prepared once per database handle and SQL text. Preparing costs more than running a
// short query, and the same few queries run for every item of a pack, a merge, a listing or a
// critic run. Keyed by the handle weakly, so a closed and dropped handle takes its statements along.
const cache = new WeakMap<AnyDb, Map<string, Statement>>();

/** The prepared statement for `sql` on `db`, prepared on first use. `sql` must be a constant text (or built from constants only), never from input. */
export function cachedStatement(db: AnyDb, sql: string): Statement {
  let perDb = cache.get(db);
  if (!perDb) cache.set(db, (perDb = new Map()));
  let s = perDb.get(sql);
  if (!s) perDb.set(sql, (s = db.prepare(sql)));
  return s;
}
