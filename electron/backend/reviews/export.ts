import { buildReviewRecord, type ReviewRecord } from '../../../shared/review/record.js';
import type { AnyDb } from '../db/types.js';
import { loadEvents } from './repository.js';

interface FinishedRow {
  id: number;
  task_id: string;
  evaluator_id: string;
  study: string;
  condition: string;
  started_at: number;
  submitted_at: number;
  active_ms: number;
  shown_json: string;
}

/** Every submitted or skipped review as a public review record, oldest submission first. */
export function exportReviewRecords(db: AnyDb, options: { study?: string | undefined } = {}): ReviewRecord[] {
  const rows = db
    .prepare(
      `SELECT r.id, q.task_id, q.evaluator_id, q.study, q.condition, r.started_at, r.submitted_at, r.active_ms, r.shown_json
         FROM reviews r JOIN queue_items q ON q.id = r.queue_item_id
        WHERE r.status IN ('submitted', 'skipped') AND ($study IS NULL OR q.study = $study)
        ORDER BY r.submitted_at, r.id`,
    )
    .all({ study: options.study ?? null }) as FinishedRow[];
  return rows.map((r) =>
    buildReviewRecord(
      {
        task: r.task_id,
        evaluator: r.evaluator_id,
        study: r.study,
        condition: r.condition,
        startedAt: r.started_at,
        submittedAt: r.submitted_at,
        activeMs: r.active_ms,
        shown: JSON.parse(r.shown_json) as string[],
      },
      loadEvents(db, r.id).map((e) => e.event),
    ),
  );
}

/** The CSV columns of `assay export reviews --format csv`: one row per record. */
export const reviewCsvColumns = [
  'task',
  'evaluator',
  'study',
  'condition',
  'started_at',
  'submitted_at',
  'active_seconds',
  'rating',
  'skipped_reason',
  'accepted',
  'rejected',
  'edited',
  'added',
  'decisions_json',
  'added_json',
] as const;

function csvCell(value: string | number | null): string {
  if (value === null) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (RFC 4180 quoting, no trailing newline) for a record. */
export function reviewCsvRow(r: ReviewRecord): string {
  const cells: (string | number | null)[] = [
    r.task,
    r.evaluator,
    r.study,
    r.condition,
    r.started_at,
    r.submitted_at,
    r.active_seconds,
    r.rating,
    r.skipped?.reason ?? null,
    r.decisions.filter((d) => d.verdict === 'accept').length,
    r.decisions.filter((d) => d.verdict === 'reject').length,
    r.decisions.filter((d) => d.edited_text !== undefined).length,
    r.added.length,
    JSON.stringify(r.decisions),
    JSON.stringify(r.added),
  ];
  return cells.map(csvCell).join(',');
}
