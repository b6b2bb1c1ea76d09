import type { AnyDb } from '../../electron/backend/db/types.js';

/** Every row of every table, in a stable order: equal dumps mean the database did not change. */
export function dumpDatabase(db: AnyDb): string {
  const tables = db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    const columns = (db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[]).map((c) => `"${c.name}"`);
    out[name] = db.prepare(`SELECT * FROM "${name}" ORDER BY ${columns.join(', ')}`).all();
  }
  const schema = db.prepare("SELECT type, name, sql FROM sqlite_schema ORDER BY type, name").all();
  return JSON.stringify({ schema, out, version: db.pragma('user_version', { simple: true }) });
}
