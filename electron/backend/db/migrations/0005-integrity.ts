import type { Migration } from '../migration.js';

/** SQL that is true when the task with id `task` is frozen (indexed lookups only: imports stay fast). */
function frozen(task: string): string {
  return `(EXISTS (SELECT 1 FROM pinned_items WHERE task_id = ${task})
        OR EXISTS (SELECT 1 FROM queue_items q JOIN reviews r ON r.queue_item_id = q.id WHERE q.task_id = ${task})
        OR EXISTS (SELECT 1 FROM study_tasks st JOIN studies s ON s.id = st.study_id WHERE st.task_id = ${task} AND s.frozen_at IS NOT NULL))`;
}

/** The triggers that refuse changing a frozen task, its critiques or its flaws. */
function frozenTriggers(): string {
  const out: string[] = [];
  for (const [table, what] of [
    ['tasks', 'it'],
    ['critiques', 'its critiques'],
    ['flaws', 'its flaws'],
  ] as const) {
    const key = table === 'tasks' ? 'id' : 'task_id';
    for (const op of ['INSERT', 'UPDATE', 'DELETE'] as const) {
      if (table === 'tasks' && op === 'INSERT') continue; // a new task has shown nothing yet
      const row = op === 'INSERT' ? 'NEW' : 'OLD';
      out.push(`    CREATE TRIGGER ${table}_frozen_${op.toLowerCase()} BEFORE ${op} ON ${table}
      WHEN ${frozen(`${row}.${key}`)}
      BEGIN SELECT RAISE(ABORT, 'task "' || ${row}.${key} || '" is frozen: a study or a review has shown it, so ${what} cannot change'); END;`);
    }
  }
  return out.join('\n');
}

/**
 * Integrity (issue #10): study state, pack secrets, what each queue item showed, and triggers that
 * keep shown tasks from changing.
 *
 * - `studies.state` (open | closed) and `closed_at`; `frozen_at`: when the study first showed
 *   anything (its first pack export or first review). From then on its tasks cannot change.
 * - `pack_issues`: every export (issue) of a pack with its secret; results prove their origin with
 *   an HMAC under that secret. Packs exported before this migration become issue `v1` without a
 *   secret: their version-1 results stay readable, marked unauthenticated.
 * - `pinned_items` / `pinned_critiques`: exactly what a queue item showed (a content hash of the task
 *   as shown, and k1…kn → original critique id with a content hash of each shown critique), written
 *   when the item is first shown (pack export or opened pack, review start, merged results).
 * - Triggers refuse any change to a frozen task (pinned, reviewed, or in a frozen study), to pins, and
 *   any new review or event in a closed study: the back end checks first with a clear message
 *   (tasks/guard.ts, reviews/visibility.ts); the triggers hold for every other path as well.
 *
 * Self-contained SQL: nothing here depends on code that may change later.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'integrity',
  up: `
    ALTER TABLE studies ADD COLUMN state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'closed'));
    ALTER TABLE studies ADD COLUMN closed_at INTEGER;
    ALTER TABLE studies ADD COLUMN frozen_at INTEGER;
    UPDATE studies SET frozen_at = coalesce(
      (SELECT min(p.created_at) FROM packs p WHERE p.role = 'exported' AND p.study_id = studies.id),
      (SELECT min(r.started_at) FROM queue_items q JOIN reviews r ON r.queue_item_id = q.id WHERE q.study = studies.name));

    CREATE INDEX queue_items_by_task ON queue_items (task_id, study);
    CREATE INDEX study_tasks_by_task ON study_tasks (task_id);

    CREATE TABLE pack_issues (
      pack_id TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('exported', 'imported')),
      issue TEXT NOT NULL CHECK (issue <> ''),
      format_version INTEGER NOT NULL CHECK (format_version >= 1),
      secret TEXT CHECK (secret IS NULL OR (length(secret) = 64 AND NOT secret GLOB '*[^0-9a-f]*')),
      content_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      recorded_at INTEGER NOT NULL,
      PRIMARY KEY (pack_id, role, issue),
      FOREIGN KEY (pack_id, role) REFERENCES packs (id, role),
      CHECK ((format_version = 1) = (secret IS NULL))
    ) STRICT;
    INSERT INTO pack_issues (pack_id, role, issue, format_version, secret, content_hash, created_at, recorded_at)
      SELECT id, role, 'v1', 1, NULL, content_hash, created_at, recorded_at FROM packs;

    ALTER TABLE result_imports ADD COLUMN authenticated INTEGER NOT NULL DEFAULT 0 CHECK (authenticated IN (0, 1));
    ALTER TABLE result_imports ADD COLUMN format_version INTEGER;
    ALTER TABLE result_imports ADD COLUMN pack_issue TEXT;

    CREATE TABLE pinned_items (
      queue_item_id INTEGER PRIMARY KEY REFERENCES queue_items(id),
      task_id TEXT NOT NULL REFERENCES tasks(id),
      task_hash TEXT NOT NULL,
      pinned_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX pinned_items_by_task ON pinned_items (task_id);

    CREATE TABLE pinned_critiques (
      queue_item_id INTEGER NOT NULL REFERENCES pinned_items(queue_item_id),
      position INTEGER NOT NULL CHECK (position >= 0),
      neutral_id TEXT NOT NULL,
      critique_id TEXT NOT NULL,
      critique_hash TEXT NOT NULL,
      PRIMARY KEY (queue_item_id, position),
      UNIQUE (queue_item_id, critique_id),
      CHECK (neutral_id = 'k' || (position + 1))
    ) STRICT;

    CREATE TRIGGER pinned_items_no_update BEFORE UPDATE ON pinned_items
      BEGIN SELECT RAISE(ABORT, 'pinned_items is append-only: what an item showed never changes'); END;
    CREATE TRIGGER pinned_items_no_delete BEFORE DELETE ON pinned_items
      BEGIN SELECT RAISE(ABORT, 'pinned_items is append-only: what an item showed never changes'); END;
    CREATE TRIGGER pinned_critiques_no_update BEFORE UPDATE ON pinned_critiques
      BEGIN SELECT RAISE(ABORT, 'pinned_critiques is append-only: what an item showed never changes'); END;
    CREATE TRIGGER pinned_critiques_no_delete BEFORE DELETE ON pinned_critiques
      BEGIN SELECT RAISE(ABORT, 'pinned_critiques is append-only: what an item showed never changes'); END;
    CREATE TRIGGER pack_issues_no_update BEFORE UPDATE ON pack_issues
      BEGIN SELECT RAISE(ABORT, 'pack_issues is append-only: a pack secret never changes'); END;
    CREATE TRIGGER pack_issues_no_delete BEFORE DELETE ON pack_issues
      BEGIN SELECT RAISE(ABORT, 'pack_issues is append-only: a pack secret never changes'); END;

    -- A task is frozen once something showed it: a pinned item, a review, or a frozen study.
${frozenTriggers()}

    -- A closed study takes no new reviews and no new events (results merges included).
    CREATE TRIGGER reviews_closed_study BEFORE INSERT ON reviews
      WHEN (SELECT s.state FROM queue_items q JOIN studies s ON s.name = q.study WHERE q.id = NEW.queue_item_id) = 'closed'
      BEGIN SELECT RAISE(ABORT, 'the study of this item is closed: no new reviews'); END;
    CREATE TRIGGER review_events_closed_study BEFORE INSERT ON review_events
      WHEN (SELECT s.state FROM reviews r JOIN queue_items q ON q.id = r.queue_item_id JOIN studies s ON s.name = q.study WHERE r.id = NEW.review_id) = 'closed'
      BEGIN SELECT RAISE(ABORT, 'the study of this review is closed: it can no longer change'); END;
    -- A study is never reopened: a closed study's figures stay as published.
    CREATE TRIGGER studies_stay_closed BEFORE UPDATE OF state ON studies
      WHEN OLD.state = 'closed' AND NEW.state <> 'closed'
      BEGIN SELECT RAISE(ABORT, 'a closed study cannot be reopened'); END;
  `,
};
