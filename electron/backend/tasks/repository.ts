import type { TaskSummary, TaskView } from '../../../shared/contract/tasks.js';
import { AppError } from '../../../shared/result.js';
import type { AnyDb } from '../db/types.js';
import { shownTaskView, type TaskRow as VisibleTaskRow } from '../reviews/visibility.js';
import { visibleTask } from './staging.js';

interface TaskListRow {
  id: string;
  kind: 'summary' | 'code';
  title: string | null;
  language: string | null;
  has_base: number;
  critique_count: number;
  file_count: number | null;
}

/** Number of tasks in the database (an import still under way counts only once it is published). */
export function countTasks(db: AnyDb): number {
  return (db.prepare(`SELECT count(*) AS n FROM tasks t WHERE ${visibleTask('t')}`).get() as { n: number }).n;
}

/** A page of the task list, in import order. */
export function listTasks(db: AnyDb, offset: number, limit: number): TaskSummary[] {
  const rows = db
    .prepare(
      `SELECT t.id, t.kind, t.title, t.language, t.base IS NOT NULL AS has_base, json_array_length(t.files_json) AS file_count,
              (SELECT count(*) FROM critiques c WHERE c.task_id = t.id) AS critique_count
         FROM tasks t INDEXED BY tasks_visible WHERE ${visibleTask('t')} ORDER BY t.seq LIMIT $limit OFFSET $offset`,
    )
    .all({ limit, offset }) as TaskListRow[];
  return rows.map((r) => ({
    id: r.id,
    kind: r.kind,
    title: r.title,
    language: r.language,
    hasBase: r.has_base === 1,
    critiqueCount: r.critique_count,
    files: r.file_count,
  }));
}

/** One task without ground truth, exactly as the review screen shows it; throws not-found for an unknown id. */
export function getTaskView(db: AnyDb, id: string): TaskView {
  const row = db
    .prepare(`SELECT t.id, t.kind, t.title, t.output, t.language, t.base, t.files_json, t.context_json FROM tasks t WHERE t.id = $id AND ${visibleTask('t')}`)
    .get({ id }) as VisibleTaskRow | undefined;
  if (!row) throw new AppError('not-found', `No task with id "${id}"`);
  // the one definition of how a task looks to an evaluator (reviews/visibility.ts)
  return shownTaskView(row);
}
