import type { AnyDb } from '../../electron/backend/db/types.js';

const ftsShadow = ['data', 'idx', 'content', 'docsize', 'config'];

/**
 * Every row of every table, in a stable order: equal dumps mean the database did not change.
 * A full-text index (FTS5) is compared by what it holds — its documents' rowids and every term
 * with its document and occurrence counts — not by its internal pages: writing a row and taking it
 * back leaves the same index with other segments, as an ordinary index can have other pages.
 */
export function dumpDatabase(db: AnyDb): string {
  const fts = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND sql LIKE 'CREATE VIRTUAL TABLE % USING fts5%' ORDER BY name").all() as { name: string }[]).map(
    (r) => r.name,
  );
  const shadow = new Set(fts.flatMap((name) => ftsShadow.map((s) => `${name}_${s}`)));
  const tables = (db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).filter(
    (t) => !shadow.has(t.name) && !fts.includes(t.name),
  );
  const out: Record<string, unknown[]> = {};
  for (const { name } of tables) {
    const columns = (db.prepare(`PRAGMA table_info("${name}")`).all() as { name: string }[]).map((c) => `"${c.name}"`);
    out[name] = db.prepare(`SELECT * FROM "${name}" ORDER BY ${columns.join(', ')}`).all();
  }
  for (const name of fts) {
    out[`${name} (rowids)`] = db.prepare(`SELECT rowid FROM "${name}" ORDER BY rowid`).all();
    db.exec(`CREATE VIRTUAL TABLE IF NOT EXISTS temp."dump_vocab_${name}" USING fts5vocab(main, "${name}", 'row')`);
    out[`${name} (terms)`] = db.prepare(`SELECT term, doc, cnt FROM temp."dump_vocab_${name}" ORDER BY term`).all();
  }
  const schema = db.prepare('SELECT type, name, sql FROM sqlite_schema ORDER BY type, name').all();
  return JSON.stringify({ schema, out, version: db.pragma('user_version', { simple: true }) });
}
