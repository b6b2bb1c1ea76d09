import type { Migration } from '../migration.js';

/**
 * Staged imports (issue #10): an import writes its rows in short transactions, tagged with its
 * batch, and publishes them all at once by flipping the batch's state, so readers never see a
 * half-imported file and the write lock is never held for a whole file.
 *
 * - `import_batches`: one row per import that wrote rows. A `staging` batch's tasks are invisible
 *   (see tasks/staging.ts, `visibleTask`); `published` batches are kept as the import history.
 *   `owner_*` and `heartbeat_at` tell a live import from one whose process died (its rows are
 *   then deleted by the next import or back-end start).
 * - `tasks.import_batch`: the batch that wrote the row; NULL for rows written before this
 *   migration or inside a caller's transaction. No foreign key: rows are always deleted before
 *   their batch, and a key would make deleting a batch scan the whole table.
 * - `tasks_visible`: lets the visibility test, the count and the practice queue run on the index
 *   alone, without reading task rows (whose large columns live on overflow pages).
 * - `import_replacements`: the new rows of tasks replaced with `--replace`, kept aside (as JSON)
 *   until the publish, which swaps them in; a replaced task is visible with its old content until then.
 * - `published_seq` numbers batches in the order they were published, and `practice_sync` keeps, per
 *   evaluator, the last one their practice queue has taken in: imports publish in any order, so a
 *   task can become visible after tasks with a higher seq (see ensurePracticeQueue).
 */
export const migration0006: Migration = {
  version: 6,
  name: 'import-batches',
  up: `
    CREATE TABLE import_batches (
      id INTEGER PRIMARY KEY,
      source TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('staging', 'published')),
      owner_host TEXT NOT NULL,
      owner_pid INTEGER NOT NULL,
      started_at INTEGER NOT NULL,
      heartbeat_at INTEGER NOT NULL,
      published_at INTEGER,
      published_seq INTEGER UNIQUE,
      first_seq INTEGER,
      last_seq INTEGER,
      tasks INTEGER NOT NULL DEFAULT 0 CHECK (tasks >= 0),
      replaced INTEGER NOT NULL DEFAULT 0 CHECK (replaced >= 0)
    ) STRICT;
    CREATE INDEX import_batches_staging ON import_batches (state) WHERE state = 'staging';

    ALTER TABLE tasks ADD COLUMN import_batch INTEGER;
    CREATE INDEX tasks_visible ON tasks (seq, import_batch, id);

    CREATE TABLE practice_sync (
      evaluator_id TEXT PRIMARY KEY REFERENCES evaluators(id),
      published_seq INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE import_replacements (
      batch INTEGER NOT NULL REFERENCES import_batches(id),
      task_id TEXT NOT NULL,
      line INTEGER NOT NULL,
      rows_json TEXT NOT NULL,
      PRIMARY KEY (batch, task_id)
    ) STRICT;
  `,
};
