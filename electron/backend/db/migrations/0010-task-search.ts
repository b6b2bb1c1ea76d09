import type { Migration } from '../migration.js';

// Self-contained SQL (nothing here may depend on code that changes later).

/** The text of `row`'s context field `key` when it is a string, else ''. */
function contextText(row: string, key: string): string {
  return `coalesce(CASE WHEN json_valid(${row}.context_json) AND json_type(${row}.context_json, '$.${key}') = 'text' THEN json_extract(${row}.context_json, '$.${key}') END, '')`;
}

/** What the search index holds of task `row`: its title, its id, and its text (output, query, problem). */
function searchValues(row: string): string {
  return `${row}.seq, coalesce(${row}.title, ''), ${row}.id, ${row}.output || char(10) || ${contextText(row, 'query')} || char(10) || ${contextText(row, 'problem')}`;
}

/** `meta.source` of task `row` when it is a string, else NULL. */
function metaSource(row: string): string {
  return `CASE WHEN json_valid(${row}.meta_json) AND json_type(${row}.meta_json, '$.source') = 'text' THEN json_extract(${row}.meta_json, '$.source') END`;
}

/**
 * The task browser (issue #12): full-text search and a narrow row per task for filters and sorts,
 * both kept in sync with `tasks`, `critiques` and `flaws` by triggers, so every path that writes
 * tasks (imports, packs, the demo, a later critic, `sqlite3`) keeps them right.
 *
 * - `task_search`: an FTS5 index of each task's title, id and text (output, context query and
 *   problem; not the source document, which can be 50,000 words and is the context, not the task's
 *   own text). Contentless (`content=''`): it stores the index only, not another copy of the text;
 *   `contentless_delete=1` lets triggers delete by rowid. Its rowid is `tasks.seq`, which never
 *   changes for a task (the implicit rowid of `tasks` may, on VACUUM).
 * - `task_facets`: one narrow row per task, keyed by seq: kind, a sort key for titles (the id when
 *   untitled), `meta.source` when it is a string, the import batch (for visibility: a staging
 *   import's tasks stay invisible), and counts of critiques, flaws and anchored flaws. Filtering
 *   and counting 100,000 tasks reads this table, not the task rows with their long texts.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'task-search',
  up: `
    CREATE VIRTUAL TABLE task_search USING fts5(title, id, body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2');

    CREATE TABLE task_facets (
      seq INTEGER PRIMARY KEY,
      task_id TEXT NOT NULL UNIQUE,
      kind TEXT NOT NULL,
      sort_title TEXT NOT NULL,
      source TEXT,
      import_batch INTEGER,
      critiques INTEGER NOT NULL DEFAULT 0 CHECK (critiques >= 0),
      flaws INTEGER NOT NULL DEFAULT 0 CHECK (flaws >= 0),
      anchored_flaws INTEGER NOT NULL DEFAULT 0 CHECK (anchored_flaws >= 0)
    ) STRICT;
    CREATE INDEX task_facets_by_title ON task_facets (sort_title COLLATE NOCASE, seq);
    CREATE INDEX task_facets_by_source ON task_facets (source) WHERE source IS NOT NULL;

    INSERT INTO task_search (rowid, title, id, body) SELECT ${searchValues('t')} FROM tasks t;
    INSERT INTO task_facets (seq, task_id, kind, sort_title, source, import_batch, critiques, flaws, anchored_flaws)
      SELECT t.seq, t.id, t.kind, coalesce(t.title, t.id), ${metaSource('t')}, t.import_batch,
             (SELECT count(*) FROM critiques c WHERE c.task_id = t.id),
             (SELECT count(*) FROM flaws f WHERE f.task_id = t.id),
             (SELECT count(*) FROM flaws f WHERE f.task_id = t.id AND f.anchor_json IS NOT NULL)
        FROM tasks t;

    CREATE TRIGGER tasks_search_insert AFTER INSERT ON tasks BEGIN
      INSERT INTO task_search (rowid, title, id, body) VALUES (${searchValues('NEW')});
      INSERT INTO task_facets (seq, task_id, kind, sort_title, source, import_batch)
        VALUES (NEW.seq, NEW.id, NEW.kind, coalesce(NEW.title, NEW.id), ${metaSource('NEW')}, NEW.import_batch);
    END;
    CREATE TRIGGER tasks_search_update AFTER UPDATE OF id, seq, kind, title, output, context_json, meta_json, import_batch ON tasks BEGIN
      DELETE FROM task_search WHERE rowid = OLD.seq;
      INSERT INTO task_search (rowid, title, id, body) VALUES (${searchValues('NEW')});
      UPDATE task_facets SET seq = NEW.seq, task_id = NEW.id, kind = NEW.kind, sort_title = coalesce(NEW.title, NEW.id),
                             source = ${metaSource('NEW')}, import_batch = NEW.import_batch
       WHERE seq = OLD.seq;
    END;
    CREATE TRIGGER tasks_search_delete AFTER DELETE ON tasks BEGIN
      DELETE FROM task_search WHERE rowid = OLD.seq;
      DELETE FROM task_facets WHERE seq = OLD.seq;
    END;

    CREATE TRIGGER critiques_facets_insert AFTER INSERT ON critiques BEGIN
      UPDATE task_facets SET critiques = critiques + 1 WHERE task_id = NEW.task_id;
    END;
    CREATE TRIGGER critiques_facets_delete AFTER DELETE ON critiques BEGIN
      UPDATE task_facets SET critiques = critiques - 1 WHERE task_id = OLD.task_id;
    END;
    CREATE TRIGGER critiques_facets_update AFTER UPDATE OF task_id ON critiques BEGIN
      UPDATE task_facets SET critiques = critiques - 1 WHERE task_id = OLD.task_id;
      UPDATE task_facets SET critiques = critiques + 1 WHERE task_id = NEW.task_id;
    END;
    CREATE TRIGGER flaws_facets_insert AFTER INSERT ON flaws BEGIN
      UPDATE task_facets SET flaws = flaws + 1, anchored_flaws = anchored_flaws + (NEW.anchor_json IS NOT NULL) WHERE task_id = NEW.task_id;
    END;
    CREATE TRIGGER flaws_facets_delete AFTER DELETE ON flaws BEGIN
      UPDATE task_facets SET flaws = flaws - 1, anchored_flaws = anchored_flaws - (OLD.anchor_json IS NOT NULL) WHERE task_id = OLD.task_id;
    END;
    CREATE TRIGGER flaws_facets_update AFTER UPDATE OF task_id, anchor_json ON flaws BEGIN
      UPDATE task_facets SET flaws = flaws - 1, anchored_flaws = anchored_flaws - (OLD.anchor_json IS NOT NULL) WHERE task_id = OLD.task_id;
      UPDATE task_facets SET flaws = flaws + 1, anchored_flaws = anchored_flaws + (NEW.anchor_json IS NOT NULL) WHERE task_id = NEW.task_id;
    END;
  `,
};
