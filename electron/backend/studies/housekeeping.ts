import type { StudyDetail } from '../../../shared/contract/studies.js';
import { AppError } from '../../../shared/result.js';
import type { WritableDb } from '../db/types.js';
import { studyDeletionRefusal } from './deletion.js';
import { getStudy, requireStudy } from './repository.js';

// Study housekeeping (issue #12): archive (hide a closed study, keep everything) and delete (only a
// study that never showed anything). The rule, in docs/studies.md ("Housekeeping"): a study that
// issued a pack or started a review keeps its record for good — pins and pack secrets say what each
// evaluator was shown, and results may still arrive for a pack handed out. Migration 8's triggers
// refuse the same for every other path.

/**
 * Deletes a study that never showed anything: its conditions, evaluator list, task list and queue
 * items (none was opened). The tasks and the evaluator profiles stay. Refused, with the reason, for
 * a study that issued a pack, holds reviews or merged results.
 */
export function deleteStudy(db: WritableDb, name: string): { name: string; queueItems: number } {
  return db
    .transaction(() => {
      const study = requireStudy(db, name);
      const refusal = studyDeletionRefusal(db, study);
      if (refusal) throw new AppError('conflict', refusal);
      const queueItems = db.prepare('DELETE FROM queue_items WHERE study = $name').run({ name: study.name }).changes;
      db.prepare('DELETE FROM studies WHERE id = $id').run({ id: study.id });
      return { name: study.name, queueItems };
    })
    .immediate();
}

/**
 * Archives a closed study (hidden from the lists; everything kept), or brings an archived one back
 * (`archived: false`). An open study is refused: it may still take reviews and results.
 */
export function archiveStudy(db: WritableDb, name: string, archived: boolean, now = Date.now()): StudyDetail {
  return db
    .transaction(() => {
      const study = requireStudy(db, name);
      if (archived && study.state !== 'closed') {
        throw new AppError('conflict', `study "${study.name}" is open: close it first (assay study close), then archive it. An open study may still take reviews and results.`);
      }
      db.prepare(`UPDATE studies SET archived_at = $at WHERE id = $id`).run({ id: study.id, at: archived ? (study.archived_at ?? now) : null });
      return getStudy(db, name);
    })
    .immediate();
}
