import type { Migration } from '../migration.js';

/**
 * The evaluator's day (issue #12): where a study is reviewed, whom results go to, which results
 * were exported, and reviews merged as newer revisions.
 *
 * - `studies.review_here`: 1 when the study's queues are reviewed on this machine (in this
 *   database's Review place), 0 when they are reviewed only from packs. The one rule: a study is
 *   reviewed one way or the other, never both, so a review made here and one from the evaluator's
 *   pack can never collide. Studies created before this migration keep working the way they were
 *   used: a study that ever issued a pack is reviewed from packs, any other study here.
 * - `studies.researcher` / `packs.researcher`: whom the evaluator sends results to (free text,
 *   optional), carried by the pack.
 * - `result_exports` / `result_export_reviews`: every results file handed out on the evaluator's
 *   side, with the reviews it held at which step of their logs; a finished review that is in no
 *   export at its current step is "not exported" (the finished screen and the close reminder).
 * - `review_revisions`: a merge that extended a stored review's log with a newer revision.
 * - A trigger refuses reopening a finished review of a closed study (the events trigger of
 *   migration 5 already refuses its `reopened` event).
 *
 * Self-contained SQL: nothing here depends on code that may change later.
 */
export const migration0008: Migration = {
  version: 8,
  name: 'evaluator-day',
  up: `
    ALTER TABLE studies ADD COLUMN review_here INTEGER NOT NULL DEFAULT 0 CHECK (review_here IN (0, 1));
    UPDATE studies SET review_here = CASE
      WHEN EXISTS (SELECT 1 FROM packs p WHERE p.role = 'exported' AND p.study_id = studies.id) THEN 0 ELSE 1 END;
    ALTER TABLE studies ADD COLUMN researcher TEXT CHECK (researcher IS NULL OR length(researcher) BETWEEN 1 AND 200);
    ALTER TABLE packs ADD COLUMN researcher TEXT;

    CREATE TABLE result_exports (
      id INTEGER PRIMARY KEY,
      pack_id TEXT NOT NULL,
      file_name TEXT NOT NULL,
      saved_to TEXT,
      content_hash TEXT NOT NULL,
      reviews INTEGER NOT NULL CHECK (reviews >= 0),
      exported_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX result_exports_by_pack ON result_exports (pack_id, exported_at);
    CREATE TABLE result_export_reviews (
      export_id INTEGER NOT NULL REFERENCES result_exports(id),
      review_id INTEGER NOT NULL REFERENCES reviews(id),
      last_seq INTEGER NOT NULL CHECK (last_seq >= 1),
      PRIMARY KEY (export_id, review_id)
    ) STRICT;
    CREATE INDEX result_export_reviews_by_review ON result_export_reviews (review_id, last_seq);

    ALTER TABLE result_imports ADD COLUMN revised INTEGER NOT NULL DEFAULT 0 CHECK (revised >= 0);
    CREATE TABLE review_revisions (
      review_id INTEGER NOT NULL REFERENCES reviews(id),
      import_id INTEGER NOT NULL REFERENCES result_imports(id),
      from_seq INTEGER NOT NULL CHECK (from_seq >= 1),
      to_seq INTEGER NOT NULL,
      PRIMARY KEY (review_id, import_id),
      CHECK (to_seq > from_seq)
    ) STRICT;

    -- A closed study's finished reviews stay finished: its figures stay as published.
    CREATE TRIGGER reviews_closed_study_reopen BEFORE UPDATE OF status ON reviews
      WHEN OLD.status <> 'open' AND NEW.status = 'open'
       AND (SELECT s.state FROM queue_items q JOIN studies s ON s.name = q.study WHERE q.id = NEW.queue_item_id) = 'closed'
      BEGIN SELECT RAISE(ABORT, 'the study of this review is closed: a finished review cannot be reopened'); END;
  `,
};
