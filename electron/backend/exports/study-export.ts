import type { ResolvedAnchor } from '../../../shared/anchors.js';
import { AppError } from '../../../shared/result.js';
import type { AnyDb } from '../db/types.js';
import { finishedReviews, type FinishedReview } from '../reviews/records.js';
import { requireStudy, studyConditions, type StudyRow } from '../studies/repository.js';

// What the interop exports (Label Studio, Prodigy, W3C, training data) read about a study: its
// tasks in study order — each as imported (its source JSON, unknown fields included) with every
// critique's resolved anchor — and its finished reviews as review records (original critique ids).

/** A critique as the exports see it. */
export interface ExportCritique {
  readonly id: string;
  readonly text: string;
  /** The critique object as imported (unknown fields such as `labelstudio` included). */
  readonly source: Record<string, unknown>;
  /** Its anchor resolved against the output (or base), or null without one. */
  readonly resolved: ResolvedAnchor | null;
}

/** A task of the study as the exports see it. */
export interface ExportTask {
  readonly id: string;
  readonly kind: 'summary' | 'code';
  readonly output: string;
  readonly base: string | null;
  /** The task as imported (a task-format object, `meta` and unknown fields included). */
  readonly source: Record<string, unknown>;
  readonly critiques: readonly ExportCritique[];
  /** The finished (submitted or skipped) reviews of this task in the study, oldest submission first. */
  readonly reviews: readonly FinishedReview[];
}

/** A study and everything an export needs. */
export interface StudyExport {
  readonly study: StudyRow;
  readonly conditions: readonly { name: string; policy: string }[];
  readonly evaluators: readonly { id: string; name: string }[];
  readonly tasks: readonly ExportTask[];
}

interface TaskRow {
  id: string;
  kind: 'summary' | 'code';
  output: string;
  base: string | null;
  source_json: string;
}

interface CritiqueRow {
  task_id: string;
  id: string;
  text: string;
  resolved_json: string | null;
  /** A critique generated in this database (issue #13): the object the task export appends, provenance included. */
  source_json: string | null;
}

/** Loads study `name` for an export; throws not-found (naming the studies there are) for an unknown one. */
export function loadStudyExport(db: AnyDb, name: string): StudyExport {
  const study = requireStudy(db, name);
  const evaluators = db
    .prepare(
      `SELECT e.id, e.display_name AS name FROM study_evaluators se JOIN evaluators e ON e.id = se.evaluator_id
        WHERE se.study_id = $id ORDER BY se.position`,
    )
    .all({ id: study.id }) as { id: string; name: string }[];
  const taskRows = db
    .prepare(
      `SELECT t.id, t.kind, t.output, t.base, t.source_json FROM study_tasks st JOIN tasks t ON t.id = st.task_id
        WHERE st.study_id = $id ORDER BY st.position`,
    )
    .all({ id: study.id }) as TaskRow[];
  const critiqueRows = db
    .prepare(
      `SELECT c.task_id, c.id, c.text, c.resolved_json, c.source_json FROM critiques c
        WHERE c.task_id IN (SELECT task_id FROM study_tasks WHERE study_id = $id) ORDER BY c.task_id, c.position`,
    )
    .all({ id: study.id }) as CritiqueRow[];
  const critiquesOf = new Map<string, CritiqueRow[]>();
  for (const c of critiqueRows) {
    const list = critiquesOf.get(c.task_id);
    if (list) list.push(c);
    else critiquesOf.set(c.task_id, [c]);
  }
  const reviewsOf = new Map<string, FinishedReview[]>();
  for (const r of finishedReviews(db, { study: study.name, order: 'submitted' })) {
    const list = reviewsOf.get(r.task);
    if (list) list.push(r);
    else reviewsOf.set(r.task, [r]);
  }
  const tasks = taskRows.map((t): ExportTask => {
    const source = JSON.parse(t.source_json) as Record<string, unknown>;
    const sourceCritiques = new Map(((source['critiques'] as Record<string, unknown>[] | undefined) ?? []).map((c) => [c['id'] as string, c]));
    return {
      id: t.id,
      kind: t.kind,
      output: t.output,
      base: t.base,
      source,
      critiques: (critiquesOf.get(t.id) ?? []).map((c) => {
        // imported critiques are in the task's line; generated ones carry their own (as `assay export tasks` writes them)
        const src = sourceCritiques.get(c.id) ?? (c.source_json ? (JSON.parse(c.source_json) as Record<string, unknown>) : undefined);
        if (!src) throw new AppError('internal', `Task "${t.id}": critique "${c.id}" is not in the task as imported`);
        return { id: c.id, text: c.text, source: src, resolved: c.resolved_json ? (JSON.parse(c.resolved_json) as ResolvedAnchor) : null };
      }),
      reviews: reviewsOf.get(t.id) ?? [],
    };
  });
  return { study, conditions: studyConditions(db, study.id), evaluators, tasks };
}

/** The text a resolved anchor covers (output, or base for `side: "base"`). */
export function coveredText(task: Pick<ExportTask, 'output' | 'base'>, resolved: ResolvedAnchor): string {
  const text = resolved.side === 'base' ? (task.base ?? '') : task.output;
  return text.slice(resolved.start16, resolved.end16);
}
