import type { Migration } from '../migration.js';

/**
 * Study housekeeping (issue #12): archiving, and what deleting may remove.
 *
 * - `studies.archived_at`: an archived study is hidden from the lists (everything is kept; it can be
 *   unarchived). Only a closed study can be archived, so nothing arrives for a study nobody sees.
 * - A study that has shown anything (`frozen_at`: a pack exported or a review started) or holds a
 *   review is never deleted: its pins, pack secrets and reviews are the record of what evaluators
 *   were shown and did. The back end refuses first with the reason (studies/housekeeping.ts); the
 *   trigger holds for every other path.
 *
 * Self-contained SQL: nothing here depends on code that may change later.
 */
export const migration0011: Migration = {
  version: 11,
  name: 'study-housekeeping',
  up: `
    ALTER TABLE studies ADD COLUMN archived_at INTEGER;

    CREATE TRIGGER studies_archive_closed BEFORE UPDATE OF archived_at ON studies
      WHEN NEW.archived_at IS NOT NULL AND NEW.state <> 'closed'
      BEGIN SELECT RAISE(ABORT, 'only a closed study can be archived'); END;

    CREATE TRIGGER studies_delete_unshown BEFORE DELETE ON studies
      WHEN OLD.frozen_at IS NOT NULL
        OR EXISTS (SELECT 1 FROM queue_items q JOIN reviews r ON r.queue_item_id = q.id WHERE q.study = OLD.name)
        OR EXISTS (SELECT 1 FROM packs p WHERE p.study_id = OLD.id)
        OR EXISTS (SELECT 1 FROM result_imports i WHERE i.study_id = OLD.id)
      BEGIN SELECT RAISE(ABORT, 'a study that has shown tasks or holds reviews cannot be deleted: close and archive it instead'); END;
  `,
};
