import type { ReviewRecord } from '../../../shared/review/record.js';
import type { AnyDb } from '../db/types.js';
import { finishedReviews } from './records.js';

/** Every submitted or skipped review as a public review record, oldest submission first. */
export function exportReviewRecords(db: AnyDb, options: { study?: string | undefined } = {}): ReviewRecord[] {
  return finishedReviews(db, { study: options.study, order: 'submitted' }).map((r) => r.record);
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
  'answer',
  'confidence',
  'ended_by',
  'reopened',
] as const;

function csvCell(value: string | number | boolean | null): string {
  if (value === null) return '';
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** One CSV line (RFC 4180 quoting, no trailing newline) for a record. */
export function reviewCsvRow(r: ReviewRecord): string {
  const cells: (string | number | boolean | null)[] = [
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
    r.answer ?? null,
    r.confidence ?? null,
    r.ended_by ?? 'evaluator',
    r.reopened ?? 0,
  ];
  return cells.map(csvCell).join(',');
}
