import type { TaskSummary, TaskView } from '../../../shared/contract/tasks.js';
import { AppError } from '../../../shared/result.js';
import type { AnyDb } from '../db/types.js';
import { visibleTask } from './staging.js';

interface TaskListRow {
  id: string;
  kind: 'summary' | 'code';
  title: string | null;
  language: string | null;
  has_base: number;
  critique_count: number;
}

/** Number of tasks in the database (an import still under way counts only once it is published). */
export function countTasks(db: AnyDb): number {
  return (db.prepare(`SELECT count(*) AS n FROM tasks t WHERE ${visibleTask('t')}`).get() as { n: number }).n;
}

/** A page of the task list, in import order. */
export function listTasks(db: AnyDb, offset: number, limit: number): TaskSummary[] {
  const rows = db
    .prepare(
      `SELECT t.id, t.kind, t.title, t.language, t.base IS NOT NULL AS has_base,
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
  }));
}

type Sections = NonNullable<NonNullable<TaskView['context']>['sections']>;

interface TaskRow {
  id: string;
  kind: 'summary' | 'code';
  title: string | null;
  output: string;
  language: string | null;
  base: string | null;
  context_json: string | null;
}

/** One task without ground truth; throws not-found for an unknown id. */
export function getTaskView(db: AnyDb, id: string): TaskView {
  const row = db
    .prepare(`SELECT t.id, t.kind, t.title, t.output, t.language, t.base, t.context_json FROM tasks t WHERE t.id = $id AND ${visibleTask('t')}`)
    .get({ id }) as TaskRow | undefined;
  if (!row) throw new AppError('not-found', `No task with id "${id}"`);
  const context = row.context_json ? (JSON.parse(row.context_json) as Record<string, unknown>) : null;
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    output: row.output,
    language: row.language,
    base: row.base,
    context: context
      ? {
          ...(typeof context['document'] === 'string' ? { document: context['document'] } : {}),
          ...(typeof context['query'] === 'string' ? { query: context['query'] } : {}),
          ...(typeof context['problem'] === 'string' ? { problem: context['problem'] } : {}),
          ...(Array.isArray(context['sections']) ? { sections: context['sections'] as Sections } : {}),
        }
      : null,
  };
}
