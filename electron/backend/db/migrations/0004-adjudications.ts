import type { Migration } from '../migration.js';

/**
 * Adjudications (issue #6): a researcher's rulings on whether something an evaluator reported (an
 * accepted critique or an added flaw) is a given ground-truth flaw. Append-only: the latest event
 * for a (review, flaw, report) triple is the ruling in force; `clear` withdraws it.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'adjudications',
  up: `
    CREATE TABLE adjudication_events (
      id INTEGER PRIMARY KEY,
      study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
      review_id INTEGER NOT NULL REFERENCES reviews(id),
      flaw_id TEXT NOT NULL,
      report_kind TEXT NOT NULL CHECK (report_kind IN ('critique', 'added')),
      report_id TEXT NOT NULL,
      verdict TEXT NOT NULL CHECK (verdict IN ('match', 'no-match', 'clear')),
      note TEXT,
      created_at INTEGER NOT NULL
    ) STRICT;
    CREATE INDEX adjudication_events_by_study ON adjudication_events (study_id, id);

    CREATE TRIGGER adjudication_events_no_update BEFORE UPDATE ON adjudication_events
      BEGIN SELECT RAISE(ABORT, 'adjudication_events is append-only'); END;
    CREATE TRIGGER adjudication_events_no_delete BEFORE DELETE ON adjudication_events
      WHEN (SELECT count(*) FROM studies WHERE id = OLD.study_id) > 0
      BEGIN SELECT RAISE(ABORT, 'adjudication_events is append-only'); END;
  `,
};
