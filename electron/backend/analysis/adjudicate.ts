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

/** Several rulings on one report of a review (the matching screen's "no match": none of the task's flaws). */
export interface RulingsInput {
  readonly study: string;
  readonly review: string;
  readonly report: ReportRef;
  readonly rulings: readonly { readonly flaw: string; readonly verdict: 'match' | 'no-match' | 'clear' }[];
}

/**
 * Appends adjudication events for one report of a review, in one transaction (all or none), after
 * checking that the review belongs to the study and is finished, each flaw is one of its task's
 * ground-truth flaws, and the report is something the evaluator reported (an accepted critique or
 * an added flaw). Returns the events' places in the log.
 */
export function recordRulings(db: WritableDb, input: RulingsInput, now = Date.now(), note: string | null = null): { seqs: number[] } {
  // Checked before the write transaction: reading a whole study must not hold the write lock.
  const { studyId, data } = loadStudyData(db, input.study);
  const review = data.reviews.find((r) => r.id === input.review);
  if (!review) throw new AppError('not-found', `review: study "${input.study}" has no finished review ${input.review}`);
  const task = data.tasks.find((t) => t.id === review.task)!;
  for (const r of input.rulings) {
    if (!task.flaws.some((f) => f.id === r.flaw)) throw new AppError('invalid-input', `flaw: task "${task.id}" has no ground-truth flaw "${r.flaw}"`);
  }
  const reported =
    input.report.kind === 'critique' ? review.decisions.some((d) => d.critique === input.report.id && d.verdict === 'accept') : review.added.some((a) => a.id === input.report.id);
  if (!reported) {
    throw new AppError('invalid-input', `report: review ${input.review} has no ${input.report.kind === 'critique' ? 'accepted critique' : 'added flaw'} "${input.report.id}"`);
  }
  return db
    .transaction(() => {
      const insert = db.prepare(
        `INSERT INTO adjudication_events (study_id, review_id, flaw_id, report_kind, report_id, verdict, note, created_at)
         VALUES ($study, $review, $flaw, $kind, $report, $verdict, $note, $now)`,
      );
      const seqs = input.rulings.map(
        (r) =>
          Number(
            insert.run({ study: studyId, review: Number(input.review), flaw: r.flaw, kind: input.report.kind, report: input.report.id, verdict: r.verdict, note, now }).lastInsertRowid,
          ),
      );
      return { seqs };
    })
    .immediate();
}

/** Appends one adjudication event (see {@link recordRulings}, which checks the same). */
export function recordAdjudication(db: WritableDb, input: AdjudicationInput, now = Date.now()): { seq: number } {
  const { seqs } = recordRulings(db, { study: input.study, review: input.review, report: input.report, rulings: [{ flaw: input.flaw, verdict: input.verdict }] }, now, input.note ?? null);
  return { seq: seqs[0]! };
}
