import type { Migration } from '../migration.js';

/**
 * Evaluators, their queues, reviews and the append-only review event log (issue #4).
 * A queue item is one task for one evaluator in one study ('' = the practice queue); a review is the
 * evaluator's work on one queue item; its state is a pure function of its events.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'reviews',
  up: `
    CREATE TABLE evaluators (
      id TEXT PRIMARY KEY,
      display_name TEXT NOT NULL,
      created_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE queue_items (
      id INTEGER PRIMARY KEY,
      evaluator_id TEXT NOT NULL REFERENCES evaluators(id),
      task_id TEXT NOT NULL REFERENCES tasks(id),
      study TEXT NOT NULL DEFAULT '',
      condition TEXT NOT NULL,
      label TEXT NOT NULL,
      policy TEXT NOT NULL,
      position INTEGER NOT NULL,
      created_at INTEGER NOT NULL DEFAULT 0,
      UNIQUE (evaluator_id, task_id, study)
    ) STRICT;
    CREATE INDEX queue_items_by_evaluator ON queue_items (evaluator_id, study, position);

    CREATE TABLE reviews (
      id INTEGER PRIMARY KEY,
      queue_item_id INTEGER NOT NULL UNIQUE REFERENCES queue_items(id),
      status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'submitted', 'skipped')),
      shown_json TEXT NOT NULL,
      started_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL,
      submitted_at INTEGER,
      active_ms INTEGER NOT NULL DEFAULT 0 CHECK (active_ms >= 0),
      active_updated_at INTEGER NOT NULL,
      last_seq INTEGER NOT NULL DEFAULT 0
    ) STRICT;

    CREATE TABLE review_events (
      review_id INTEGER NOT NULL REFERENCES reviews(id),
      seq INTEGER NOT NULL CHECK (seq >= 1),
      type TEXT NOT NULL,
      payload_json TEXT NOT NULL,
      client_time INTEGER,
      server_time INTEGER NOT NULL,
      client_event_id TEXT,
      PRIMARY KEY (review_id, seq)
    ) STRICT;
    CREATE UNIQUE INDEX review_events_client_id ON review_events (review_id, client_event_id) WHERE client_event_id IS NOT NULL;

    -- The log is append-only: history is never rewritten.
    CREATE TRIGGER review_events_no_update BEFORE UPDATE ON review_events
      BEGIN SELECT RAISE(ABORT, 'review_events is append-only'); END;
    CREATE TRIGGER review_events_no_delete BEFORE DELETE ON review_events
      BEGIN SELECT RAISE(ABORT, 'review_events is append-only'); END;
  `,
};
