import type { Migration } from '../migration.js';

/** Tasks, their critiques and ground-truth flaws (task package format v1). */
export const migration0001: Migration = {
  version: 1,
  name: 'tasks',
  up: `
    CREATE TABLE meta (
      key TEXT PRIMARY KEY,
      value TEXT NOT NULL
    ) STRICT;

    CREATE TABLE tasks (
      id TEXT PRIMARY KEY,
      seq INTEGER NOT NULL UNIQUE,
      kind TEXT NOT NULL CHECK (kind IN ('summary', 'code')),
      title TEXT,
      output TEXT NOT NULL,
      language TEXT,
      base TEXT,
      context_json TEXT,
      meta_json TEXT,
      source_json TEXT NOT NULL,
      content_hash TEXT NOT NULL,
      imported_at INTEGER NOT NULL
    ) STRICT;

    CREATE TABLE critiques (
      task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
      id TEXT NOT NULL,
      position INTEGER NOT NULL,
      text TEXT NOT NULL,
      anchor_json TEXT,
      resolved_json TEXT,
      severity TEXT CHECK (severity IN ('minor', 'major', 'critical')),
      category TEXT,
      score REAL,
      model TEXT,
      evidence_json TEXT,
      valid INTEGER CHECK (valid IN (0, 1)),
      PRIMARY KEY (task_id, id)
    ) STRICT;

    CREATE TABLE flaws (
      task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
      id TEXT NOT NULL,
      position INTEGER NOT NULL,
      description TEXT NOT NULL,
      anchor_json TEXT,
      resolved_json TEXT,
      severity TEXT CHECK (severity IN ('minor', 'major', 'critical')),
      category TEXT,
      critiques_json TEXT,
      PRIMARY KEY (task_id, id)
    ) STRICT;
  `,
};
