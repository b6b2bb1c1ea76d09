import type { TaskDeleteResult } from '../../../shared/contract/tasks.js';
import { AppError } from '../../../shared/result.js';
import type { AnyDb, WritableDb } from '../db/types.js';
import { cachedStatement as stmt } from '../db/statements.js';
import { visibleTask } from './staging.js';
import { plural } from '../../../shared/plural.js';

// Deleting tasks (issue #12 housekeeping). A task may go only when nothing refers to it that must be
// kept: it is in no study (of this database, or known from an opened pack), it has no review
// (practice included) and no queue item of it was ever shown (pinned). Its practice queue items,
// which nobody opened, go with it. Everything else is refused with the reason, never deleted.


/** Why the task `taskId` may not be deleted, or null when it may. Assumes the task exists. */
export function deletionRefusal(db: AnyDb, taskId: string): string | null {
  const studies = stmt(db, 'SELECT s.name FROM study_tasks st JOIN studies s ON s.id = st.study_id WHERE st.task_id = $id ORDER BY s.created_at, s.name').all({ id: taskId }) as {
    name: string;
  }[];
  if (studies.length > 0) {
    return `it is in study ${studies.map((s) => `"${s.name}"`).join(', ')}: a study's tasks stay while the study exists (delete a study that never showed anything first)`;
  }
  const pack = stmt(db, `SELECT q.study FROM queue_items q WHERE q.task_id = $id AND q.study <> '' LIMIT 1`).get({ id: taskId }) as { study: string } | undefined;
  if (pack) return `it came with the pack of study "${pack.study}"`;
  const reviews = (stmt(db, 'SELECT count(*) AS n FROM reviews r JOIN queue_items q ON q.id = r.queue_item_id WHERE q.task_id = $id').get({ id: taskId }) as { n: number }).n;
  if (reviews > 0) return `it has ${plural(reviews, 'review')} (practice included), which would be lost`;
  if (stmt(db, 'SELECT 1 FROM pinned_items WHERE task_id = $id LIMIT 1').get({ id: taskId })) return 'it was shown to an evaluator (what was shown is kept for good)';
  return null;
}

/** Tasks deleted per write transaction: each holds the write lock only briefly. */
const deleteChunk = 500;
/** Refusals listed in a result; the rest are counted. */
const listedRefusals = 50;

/** Deletes one task that may be deleted (checked by the caller in the same transaction), with its unopened practice items. */
function deleteOne(db: WritableDb, taskId: string): void {
  stmt(db, `DELETE FROM queue_items WHERE task_id = $id AND study = ''`).run({ id: taskId });
  stmt(db, 'DELETE FROM tasks WHERE id = $id').run({ id: taskId });
}

/**
 * Deletes tasks: the tasks named by `ids` (all or nothing: if one of them may not be deleted,
 * nothing is, and the result lists why), or with `notInStudy` every visible task that is in no
 * study, keeping those with reviews or pins (listed with the reason). `dryRun` only reports.
 * `notInStudy` deletes in short transactions: an interrupted run has deleted whole tasks only.
 */
export function deleteTasks(
  db: WritableDb,
  input: { readonly ids?: readonly string[] | undefined; readonly notInStudy?: boolean; readonly dryRun?: boolean },
  onProgress?: (done: number, total: number) => void,
): TaskDeleteResult {
  const dryRun = input.dryRun === true;
  const kept: { id: string; reason: string }[] = [];
  let keptCount = 0;
  const keep = (id: string, reason: string): void => {
    keptCount++;
    if (kept.length < listedRefusals) kept.push({ id, reason });
  };
  const exists = stmt(db, `SELECT 1 FROM tasks t WHERE t.id = $id AND ${visibleTask('t')}`);

  if (input.ids !== undefined) {
    const ids = [...new Set(input.ids)];
    return db
      .transaction(() => {
        const missing = ids.filter((id) => !exists.get({ id }));
        if (missing.length > 0) {
          throw new AppError('not-found', `No task ${missing.slice(0, 10).map((id) => `"${id}"`).join(', ')}${missing.length > 10 ? ` and ${missing.length - 10} more` : ''} in this database.`);
        }
        for (const id of ids) {
          const refusal = deletionRefusal(db, id);
          if (refusal) keep(id, refusal);
        }
        if (keptCount > 0 || dryRun) return { deleted: keptCount > 0 ? 0 : dryRun ? ids.length : 0, kept, keptCount, dryRun };
        for (const id of ids) deleteOne(db, id);
        return { deleted: ids.length, kept, keptCount, dryRun };
      })
      .immediate();
  }

  if (input.notInStudy !== true) throw new AppError('invalid-input', 'Name the tasks to delete, or ask for every task in no study.');
  const inNoStudy = `${visibleTask('f')}
        AND NOT EXISTS (SELECT 1 FROM study_tasks st WHERE st.task_id = f.task_id)
        AND NOT EXISTS (SELECT 1 FROM queue_items qs WHERE qs.task_id = f.task_id AND qs.study <> '')`;
  const candidates = stmt(db, `SELECT f.task_id AS id, f.seq FROM task_facets f WHERE f.seq > $after AND ${inNoStudy} ORDER BY f.seq LIMIT ${deleteChunk}`);
  const total = onProgress ? (stmt(db, `SELECT count(*) AS n FROM task_facets f WHERE ${inNoStudy}`).get() as { n: number }).n : 0;
  let seen = 0;
  let deleted = 0;
  let after = 0;
  for (;;) {
    const done = db
      .transaction(() => {
        const rows = candidates.all({ after }) as { id: string; seq: number }[];
        for (const { id } of rows) {
          // checked again inside this transaction: a review may have started since the last one
          const refusal = deletionRefusal(db, id);
          if (refusal) keep(id, refusal);
          else {
            if (!dryRun) deleteOne(db, id);
            deleted++;
          }
        }
        if (rows.length > 0) after = rows[rows.length - 1]!.seq;
        seen += rows.length;
        onProgress?.(Math.min(seen, total), total);
        return rows.length < deleteChunk;
      })
      .immediate();
    if (done) break;
  }
  return { deleted, kept, keptCount, dryRun };
}
