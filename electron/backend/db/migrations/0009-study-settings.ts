import type { Migration } from '../migration.js';

/**
 * Study settings (issue #12): how a study's evaluators review — rating required/optional/off, reject
 * reason required/optional, decide-all, instructions, flaw categories, an enforced time limit, the
 * yes/no question with confidence (shared/study/settings.ts).
 *
 * - `studies.settings_json`: the study's settings (the `StudySettings` form, camelCase); `{}` means
 *   every default. Studies made before this migration that had a time limit keep it as they knew
 *   it, shown and not enforced (`onTimeLimit: "advisory"`), so a running study does not start ending
 *   items, or refusing results, half-way through. Settings never change once the study exists.
 * - `packs.settings_json`: the settings of a pack, as the evaluator's database opened it (the same
 *   form) or as the researcher's exported it. Packs opened before this migration had only a time
 *   limit, which they showed: advisory.
 * - `reviews_open`: the open reviews, for finding those whose time ran out without a word from the
 *   evaluator's window (the clock ends them on the next visit, queue listing or results export).
 *
 * Self-contained: it reads and writes only these columns, whatever migration precedes it.
 */
export const migration0009: Migration = {
  version: 9,
  name: 'study-settings',
  up: `
    ALTER TABLE studies ADD COLUMN settings_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings_json) AND json_type(settings_json) = 'object');
    UPDATE studies SET settings_json = json_object('timeLimitSeconds', time_limit_seconds, 'onTimeLimit', 'advisory')
     WHERE time_limit_seconds IS NOT NULL;

    ALTER TABLE packs ADD COLUMN settings_json TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(settings_json) AND json_type(settings_json) = 'object');
    UPDATE packs SET settings_json = json_object('timeLimitSeconds', time_limit_seconds, 'onTimeLimit', 'advisory')
     WHERE time_limit_seconds IS NOT NULL;

    -- A study's settings are part of what it promised its evaluators: they never change.
    CREATE TRIGGER studies_settings_fixed BEFORE UPDATE OF settings_json ON studies
      WHEN NEW.settings_json IS NOT OLD.settings_json
      BEGIN SELECT RAISE(ABORT, 'a study''s settings cannot change once it exists'); END;

    CREATE INDEX reviews_open ON reviews (queue_item_id) WHERE status = 'open';
  `,
};
