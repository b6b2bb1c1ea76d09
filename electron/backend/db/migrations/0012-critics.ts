import type { Migration } from '../migration.js';

/** SQL true when the task `task` has been shown by a study (the rule of migration 5 without practice). */
function shownByStudy(task: string): string {
  return `(EXISTS (SELECT 1 FROM pinned_items p JOIN queue_items q ON q.id = p.queue_item_id WHERE p.task_id = ${task} AND q.study <> '')
        OR EXISTS (SELECT 1 FROM queue_items q JOIN reviews r ON r.queue_item_id = q.id WHERE q.task_id = ${task} AND q.study <> '')
        OR EXISTS (SELECT 1 FROM study_tasks st JOIN studies s ON s.id = st.study_id WHERE st.task_id = ${task} AND s.frozen_at IS NOT NULL))`;
}

/** SQL true when the task `task` is frozen by anything, practice included (migration 5's rule). */
function frozen(task: string): string {
  return `(EXISTS (SELECT 1 FROM pinned_items WHERE task_id = ${task})
        OR EXISTS (SELECT 1 FROM queue_items q JOIN reviews r ON r.queue_item_id = q.id WHERE q.task_id = ${task})
        OR EXISTS (SELECT 1 FROM study_tasks st JOIN studies s ON s.id = st.study_id WHERE st.task_id = ${task} AND s.frozen_at IS NOT NULL))`;
}

/**
 * Critics (issue #13): critiques generated inside Assay from an OpenAI-compatible endpoint.
 *
 * - `critics`: a critic's identity is its name; the row holds what makes it that critic (model,
 *   prompts by their sha256, sampling parameters) and how to reach it again (base URL, where its
 *   key comes from — never the key itself). `on_demand` marks the critic the practice queue's
 *   "Ask the critic" uses.
 * - `critic_samples`: one row per (task, critic, sample) stored, written in the same transaction
 *   as the sample's critiques: a run that finds the row never asks for that sample again, so a
 *   killed run re-run neither duplicates nor loses critiques.
 * - `critiques` gains `critic` and `sample` (for generated critiques, and for imported ones that
 *   carry a `critic` object), `generated` (1: added in this database, so the export appends it to
 *   the task's imported line), `hallucinated` (1: the anchor it claimed is not in the text) and
 *   `source_json` (a generated critique as the export writes it, provenance included).
 * - A task changed by an import (`--replace`) loses its samples (their critiques went with the old
 *   content). Generated critiques may be added to a task that only practice reviews have shown
 *   (appending changes no earlier pin; the practice queue shows all critiques anyway), never to one
 *   a study has shown: the insert trigger of migration 5 is replaced by one that says so.
 *
 * Self-contained SQL: nothing here depends on code that may change later.
 */
export const migration0012: Migration = {
  version: 12,
  name: 'critics',
  up: `
    CREATE TABLE critics (
      name TEXT PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 64 AND NOT name GLOB '*[^A-Za-z0-9_.-]*' AND substr(name, 1, 1) GLOB '[A-Za-z0-9]'),
      model TEXT NOT NULL,
      base_url TEXT NOT NULL,
      prompts_json TEXT NOT NULL,
      params_json TEXT NOT NULL,
      key_json TEXT NOT NULL,
      on_demand INTEGER NOT NULL DEFAULT 0 CHECK (on_demand IN (0, 1)),
      created_at INTEGER NOT NULL,
      updated_at INTEGER NOT NULL
    ) STRICT;
    CREATE UNIQUE INDEX critics_one_on_demand ON critics (on_demand) WHERE on_demand = 1;

    CREATE TABLE critic_samples (
      task_id TEXT NOT NULL REFERENCES tasks(id) ON DELETE CASCADE,
      critic TEXT NOT NULL REFERENCES critics(name),
      sample INTEGER NOT NULL CHECK (sample >= 0),
      critiques INTEGER NOT NULL CHECK (critiques >= 0),
      hallucinated INTEGER NOT NULL CHECK (hallucinated >= 0),
      provenance_json TEXT NOT NULL,
      created_at INTEGER NOT NULL,
      PRIMARY KEY (task_id, critic, sample)
    ) STRICT;
    CREATE INDEX critic_samples_by_critic ON critic_samples (critic, task_id);

    ALTER TABLE critiques ADD COLUMN critic TEXT;
    ALTER TABLE critiques ADD COLUMN sample INTEGER CHECK (sample IS NULL OR sample >= 0);
    ALTER TABLE critiques ADD COLUMN generated INTEGER NOT NULL DEFAULT 0 CHECK (generated IN (0, 1));
    ALTER TABLE critiques ADD COLUMN hallucinated INTEGER NOT NULL DEFAULT 0 CHECK (hallucinated IN (0, 1));
    ALTER TABLE critiques ADD COLUMN source_json TEXT;
    CREATE INDEX critiques_by_critic ON critiques (critic, task_id, sample) WHERE critic IS NOT NULL;
    CREATE INDEX critiques_generated ON critiques (task_id, position) WHERE generated = 1;

    DROP TRIGGER critiques_frozen_insert;
    CREATE TRIGGER critiques_frozen_insert BEFORE INSERT ON critiques
      WHEN NEW.generated = 0 AND ${frozen('NEW.task_id')}
      BEGIN SELECT RAISE(ABORT, 'task "' || NEW.task_id || '" is frozen: a study or a review has shown it, so its critiques cannot change'); END;
    CREATE TRIGGER critiques_generated_frozen_insert BEFORE INSERT ON critiques
      WHEN NEW.generated = 1 AND ${shownByStudy('NEW.task_id')}
      BEGIN SELECT RAISE(ABORT, 'task "' || NEW.task_id || '" is frozen: a study has shown it, so no critique can be added'); END;

    CREATE TRIGGER critic_samples_frozen_insert BEFORE INSERT ON critic_samples
      WHEN ${shownByStudy('NEW.task_id')}
      BEGIN SELECT RAISE(ABORT, 'task "' || NEW.task_id || '" is frozen: a study has shown it, so no critique can be added'); END;
    CREATE TRIGGER critic_samples_frozen_delete BEFORE DELETE ON critic_samples
      WHEN ${frozen('OLD.task_id')}
      BEGIN SELECT RAISE(ABORT, 'task "' || OLD.task_id || '" is frozen: a study or a review has shown it, so its critiques cannot change'); END;

    -- A task replaced by an import has new content: the samples of the old one are gone with its critiques.
    CREATE TRIGGER tasks_replaced_drop_samples AFTER UPDATE OF content_hash ON tasks
      WHEN OLD.content_hash <> NEW.content_hash
      BEGIN DELETE FROM critic_samples WHERE task_id = NEW.id; END;
  `,
};
