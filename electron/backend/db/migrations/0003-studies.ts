import type { Migration } from '../migration.js';

/**
 * Studies (issue #5): conditions, evaluators, tasks; offline packs; imported results. The
 * assignment itself lives in `queue_items` (study = the study's name), so study items are ordinary
 * queue items for the review screen and merged results are ordinary reviews for the metrics.
 */
export const migration0003: Migration = {
  version: 3,
  name: 'studies',
  up: `
    CREATE TABLE studies (
      id TEXT PRIMARY KEY,
      name TEXT NOT NULL UNIQUE CHECK (name <> ''),
      seed INTEGER NOT NULL CHECK (seed BETWEEN 0 AND 4294967295),
      overlap INTEGER NOT NULL CHECK (overlap >= 1),
      time_limit_seconds INTEGER CHECK (time_limit_seconds IS NULL OR time_limit_seconds > 0),
      created_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE study_conditions (
      study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      name TEXT NOT NULL,
      policy TEXT NOT NULL,
      PRIMARY KEY (study_id, name),
      UNIQUE (study_id, position)
    ) STRICT;

    CREATE TABLE study_evaluators (
      study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      evaluator_id TEXT NOT NULL REFERENCES evaluators(id),
      PRIMARY KEY (study_id, evaluator_id),
      UNIQUE (study_id, position)
    ) STRICT;

    CREATE TABLE study_tasks (
      study_id TEXT NOT NULL REFERENCES studies(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      task_id TEXT NOT NULL REFERENCES tasks(id),
      PRIMARY KEY (study_id, task_id),
      UNIQUE (study_id, position)
    ) STRICT;

    -- Packs this database exported (the researcher's) or opened (an evaluator's). No foreign key to
    -- studies: an evaluator's database knows the study only by the pack's id and name.
    CREATE TABLE packs (
      id TEXT NOT NULL,
      role TEXT NOT NULL CHECK (role IN ('exported', 'imported')),
      study_id TEXT NOT NULL,
      study_name TEXT NOT NULL,
      evaluator_id TEXT NOT NULL REFERENCES evaluators(id),
      time_limit_seconds INTEGER,
      content_hash TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      recorded_at INTEGER NOT NULL,
      PRIMARY KEY (id, role)
    ) STRICT;

    -- Every merge of a results file or a review-record file, for provenance.
    CREATE TABLE result_imports (
      id INTEGER PRIMARY KEY,
      study_id TEXT NOT NULL REFERENCES studies(id),
      pack_id TEXT,
      kind TEXT NOT NULL CHECK (kind IN ('results', 'records')),
      source TEXT NOT NULL,
      content_hash TEXT NOT NULL,
      added INTEGER NOT NULL,
      unchanged INTEGER NOT NULL,
      conflicts INTEGER NOT NULL,
      imported_at INTEGER NOT NULL
    ) STRICT;

    -- Reviews that came from another database or from outside Assay. For 'records' the event log
    -- was synthesised from the record (there was none), so its times are the record's.
    CREATE TABLE imported_reviews (
      review_id INTEGER PRIMARY KEY REFERENCES reviews(id),
      import_id INTEGER NOT NULL REFERENCES result_imports(id),
      origin TEXT NOT NULL CHECK (origin IN ('results', 'records'))
    ) STRICT;
  `,
};
