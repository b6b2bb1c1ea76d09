import { z } from 'zod';
import { AnchorSchema, SeveritySchema } from '../task-format.js';
import { enforcesTimeLimit, TIME_LIMIT_SKIP_REASON, timeLimitEarlyMs, timeLimitSlackMs, type StudySettings } from '../study/settings.js';
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
     * The answer to the study's yes/no question (true = the output is flawed), null when not
     * answered (or skipped, or no question). Absent in records of older Assay versions: read as null.
     */
    answer: z.boolean().nullable().optional(),
    /** The confidence in `answer`, 50–100, null when not given. Absent in older records: null. */
    confidence: z.number().int().min(50).max(100).nullable().optional(),
    /** Who ended the review: `evaluator` (submit or skip) or `time-limit` (the study's clock). Absent in older records: `evaluator`. */
    ended_by: z.enum(['evaluator', 'time-limit']).optional(),
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
  const { decisions, flaws, rating, answer, confidence } = state.content;
  const submitted = state.status === 'submitted';
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
    rating: submitted ? rating : null,
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
    // like the rating, a skipped review answers nothing
    answer: submitted ? answer : null,
    confidence: submitted ? confidence : null,
    ended_by: state.endedBy ?? 'evaluator',
    ...(state.reopened > 0 ? { reopened: state.reopened } : {}),
  };
}

/** The fields a record of an older Assay may lack, with the values they mean there. */
export function recordDefaults(r: ReviewRecord): { answer: boolean | null; confidence: number | null; ended_by: 'evaluator' | 'time-limit' } {
  return { answer: r.answer ?? null, confidence: r.confidence ?? null, ended_by: r.ended_by ?? 'evaluator' };
}

/** A field of a record that breaks its study's settings, and why. */
export interface RecordProblem {
  readonly field: string;
  readonly message: string;
}

/**
 * Why a finished review's record breaks its study's settings, naming the field, or null. The same
 * rules the review API enforces action by action, stated on the record, so that the results import
 * (results files and review-record JSON Lines alike) names what is wrong. `shown` holds the ids the
 * record's decisions use; times are milliseconds. A review ended by the clock is exempt from the
 * rules of an evaluator's submit (rating, decide-all, the question), as in the review workspace.
 */
export function recordSettingsProblem(
  r: ReviewRecord,
  settings: StudySettings,
  shown: readonly string[],
  times: { readonly startedAt: number; readonly submittedAt: number },
): RecordProblem | null {
  const { answer, confidence, ended_by } = recordDefaults(r);
  const byClock = ended_by === 'time-limit';
  const submitted = r.skipped === null;
  const limitMs = settings.timeLimitSeconds === null ? null : settings.timeLimitSeconds * 1000;
  const took = `${((times.submittedAt - times.startedAt) / 1000).toFixed(1)} s`;
  if (byClock) {
    if (!enforcesTimeLimit(settings)) return { field: 'ended_by', message: '"time-limit", but this study has no time limit that ends items' };
    if (settings.onTimeLimit === 'skip' && submitted) return { field: 'ended_by', message: "this study's time limit skips an item, but the record was submitted" };
    if (settings.onTimeLimit === 'submit' && !submitted) return { field: 'ended_by', message: "this study's time limit submits an item, but the record was skipped" };
    if (!submitted && r.skipped!.reason !== TIME_LIMIT_SKIP_REASON) return { field: 'skipped.reason', message: `a review skipped by the time limit has the reason "${TIME_LIMIT_SKIP_REASON}"` };
    if (times.submittedAt < times.startedAt + limitMs! - timeLimitEarlyMs) {
      return { field: 'submitted_at', message: `ended by the time limit after ${took}, before the study's limit of ${settings.timeLimitSeconds} s ran out` };
    }
  } else if (enforcesTimeLimit(settings) && times.submittedAt > times.startedAt + limitMs! + timeLimitSlackMs) {
    return {
      field: 'submitted_at',
      message: `${took} after the start, past the study's time limit of ${settings.timeLimitSeconds} s (the clock ends an item then: ended_by "time-limit")`,
    };
  }
  if (settings.rating === 'off' && r.rating !== null) return { field: 'rating', message: `this study asks for no rating (rating off), but the record has ${r.rating}; use null` };
  if (settings.rating === 'required' && submitted && !byClock && r.rating === null) {
    return { field: 'rating', message: 'this study requires a rating (1–7) on every review an evaluator submits' };
  }
  if (settings.rejectReason === 'required') {
    const k = r.decisions.findIndex((d) => d.verdict === 'reject' && d.reason === undefined);
    if (k >= 0) return { field: `decisions.${k}.reason`, message: 'this study requires a reason for every rejection' };
  }
  if (settings.decideAll && submitted && !byClock) {
    const decided = new Set(r.decisions.map((d) => d.critique));
    const undecided = shown.filter((id) => !decided.has(id));
    if (undecided.length > 0) {
      return {
        field: 'decisions',
        message: `${undecided.length} of ${shown.length} shown critiques undecided (${undecided.slice(0, 5).join(', ')}${undecided.length > 5 ? ', …' : ''}); this study requires every shown critique to be decided before submitting`,
      };
    }
  }
  if (settings.categories !== null) {
    const k = r.added.findIndex((f) => f.category !== undefined && !settings.categories!.includes(f.category));
    if (k >= 0) return { field: `added.${k}.category`, message: `"${r.added[k]!.category}" is not one of this study's categories (${settings.categories.join(', ')})` };
  }
  if (settings.question === null) {
    if (answer !== null) return { field: 'answer', message: 'this study asks no yes/no question; use null' };
    if (confidence !== null) return { field: 'confidence', message: 'this study asks no yes/no question, so there is no confidence; use null' };
  } else if (!submitted) {
    if (answer !== null || confidence !== null) return { field: answer !== null ? 'answer' : 'confidence', message: 'a skipped review answers nothing; use null' };
  } else if (!byClock) {
    if (answer === null) return { field: 'answer', message: `required: this study asks "${settings.question}" (true = the output is flawed)` };
    if (confidence === null) return { field: 'confidence', message: 'required: the confidence in the answer, 50–100' };
  }
  return null;
}
