import { AppError } from '../../../shared/result.js';
import type { ReportRef } from '../../../shared/metrics/types.js';
import type { WritableDb } from '../db/types.js';
import { loadStudyData } from './feed.js';

/** A researcher's ruling on one (review, ground-truth flaw, report) triple. */
export interface AdjudicationInput {
  readonly study: string;
  readonly review: string;
  readonly flaw: string;
  readonly report: ReportRef;
  readonly verdict: 'match' | 'no-match' | 'clear';
  readonly note?: string | undefined;
}

/**
 * Appends an adjudication event after checking that the review belongs to the study and is
 * finished, the flaw is one of its task's ground-truth flaws, and the report is something the
 * evaluator reported (an accepted critique or an added flaw).
 */
export function recordAdjudication(db: WritableDb, input: AdjudicationInput, now = Date.now()): { seq: number } {
  const { studyId, data } = loadStudyData(db, input.study);
  const review = data.reviews.find((r) => r.id === input.review);
  if (!review) throw new AppError('not-found', `review: study "${input.study}" has no finished review ${input.review}`);
  const task = data.tasks.find((t) => t.id === review.task)!;
  if (!task.flaws.some((f) => f.id === input.flaw)) {
    throw new AppError('invalid-input', `flaw: task "${task.id}" has no ground-truth flaw "${input.flaw}"`);
  }
  const reported =
    input.report.kind === 'critique'
      ? review.decisions.some((d) => d.critique === input.report.id && d.verdict === 'accept')
      : review.added.some((a) => a.id === input.report.id);
  if (!reported) {
    throw new AppError(
      'invalid-input',
      `report: review ${input.review} has no ${input.report.kind === 'critique' ? 'accepted critique' : 'added flaw'} "${input.report.id}"`,
    );
  }
  const result = db
    .prepare(
      `INSERT INTO adjudication_events (study_id, review_id, flaw_id, report_kind, report_id, verdict, note, created_at)
       VALUES ($study, $review, $flaw, $kind, $report, $verdict, $note, $now)`,
    )
    .run({
      study: studyId,
      review: Number(input.review),
      flaw: input.flaw,
      kind: input.report.kind,
      report: input.report.id,
      verdict: input.verdict,
      note: input.note ?? null,
      now,
    });
  return { seq: Number(result.lastInsertRowid) };
}
