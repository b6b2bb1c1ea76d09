import { z } from 'zod';
import { AnchorSchema, SeveritySchema } from '../task-format.js';
import { RejectReasonSchema, type ReviewEvent } from './events.js';
import { replayReview } from './state.js';

/** One decision on a shown critique. A shown critique never decided has no entry. */
export const RecordDecisionSchema = z
  .object({
    critique: z.string().min(1),
    verdict: z.enum(['accept', 'reject']),
    reason: RejectReasonSchema.optional(),
    edited_text: z.string().optional(),
  })
  .strict();

/** A flaw the evaluator added; the anchor uses the task format's anchor forms. */
export const RecordAddedFlawSchema = z
  .object({
    id: z.string().min(1),
    description: z.string().min(1),
    anchor: AnchorSchema.optional(),
    severity: SeveritySchema.optional(),
    category: z.string().optional(),
  })
  .strict();

/**
 * A review record: one submitted or skipped review, the public format of `assay export reviews`
 * (and of the studies import). Times are ISO 8601; `rating` is null for a skipped review.
 */
export const ReviewRecordSchema = z
  .object({
    task: z.string().min(1),
    evaluator: z.string().min(1),
    study: z.string(),
    condition: z.string(),
    started_at: z.iso.datetime({ offset: true }),
    submitted_at: z.iso.datetime({ offset: true }),
    active_seconds: z.number().nonnegative(),
    rating: z.number().int().min(1).max(7).nullable(),
    skipped: z.object({ reason: z.string() }).strict().nullable(),
    decisions: z.array(RecordDecisionSchema),
    added: z.array(RecordAddedFlawSchema),
    /** The ids of the critiques the evaluator was shown, in display order (optional for importers). */
    shown: z.array(z.string()).optional(),
    /**
     * How many times the review was reopened after a submit or skip; absent when never. The record
     * is the final revision (the last submit or skip).
     */
    reopened: z.number().int().min(1).optional(),
  })
  .passthrough();
/** A review record. */
export type ReviewRecord = z.infer<typeof ReviewRecordSchema>;

/** What a record needs besides the events: the queue item and the review's times. */
export interface ReviewRecordMeta {
  readonly task: string;
  readonly evaluator: string;
  readonly study: string;
  readonly condition: string;
  /** Milliseconds since the epoch. */
  readonly startedAt: number;
  /** When it was submitted or skipped, in milliseconds since the epoch. */
  readonly submittedAt: number;
  readonly activeMs: number;
  /** The ids of the critiques shown, in display order. */
  readonly shown: readonly string[];
}

/**
 * Builds the record of a finished review from its event log. Throws when the log does not end the
 * review (an open review has no record).
 */
export function buildReviewRecord(meta: ReviewRecordMeta, events: Iterable<ReviewEvent>): ReviewRecord {
  const state = replayReview(events);
  if (state.status === 'open') throw new Error(`The review of task "${meta.task}" by "${meta.evaluator}" is still open`);
  const { decisions, flaws, rating } = state.content;
  const shown = new Set(meta.shown);
  const order = [...meta.shown, ...Object.keys(decisions).filter((id) => !shown.has(id)).sort()];
  return {
    task: meta.task,
    evaluator: meta.evaluator,
    study: meta.study,
    condition: meta.condition,
    started_at: new Date(meta.startedAt).toISOString(),
    submitted_at: new Date(meta.submittedAt).toISOString(),
    active_seconds: Math.round(meta.activeMs / 100) / 10,
    rating: state.status === 'submitted' ? rating : null,
    skipped: state.status === 'skipped' ? { reason: state.skipReason ?? '' } : null,
    decisions: order.flatMap((id) => {
      const d = decisions[id];
      if (!d) return [];
      return [
        {
          critique: id,
          verdict: d.verdict,
          ...(d.reason ? { reason: d.reason } : {}),
          ...(d.editedText !== undefined ? { edited_text: d.editedText } : {}),
        },
      ];
    }),
    added: flaws.map((f) => ({
      id: f.id,
      description: f.description,
      ...(f.anchor ? { anchor: f.anchor } : {}),
      ...(f.severity ? { severity: f.severity } : {}),
      ...(f.category ? { category: f.category } : {}),
    })),
    shown: [...meta.shown],
    ...(state.reopened > 0 ? { reopened: state.reopened } : {}),
  };
}
