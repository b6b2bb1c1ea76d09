import type { Migration } from '../migration.js';

/**
 * Study checks (issue #11): the hazards found when a study was created (`assay study check`'s
 * JSON), and whether it was created anyway with --force. Self-contained: one new table.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'study-checks',
  up: `
    CREATE TABLE study_checks (
      study_id TEXT PRIMARY KEY REFERENCES studies(id) ON DELETE CASCADE,
      check_json TEXT NOT NULL,
      forced INTEGER NOT NULL CHECK (forced IN (0, 1)),
      created_at INTEGER NOT NULL
    ) STRICT;
  `,
};
