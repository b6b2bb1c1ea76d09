import { z } from 'zod';
import { AnchorSchema, SeveritySchema } from '../task-format.js';

/** Why an evaluator rejected a model critique. */
export const RejectReasonSchema = z.enum(['incorrect', 'nitpick', 'unclear', 'duplicate', 'other']);
/** Why an evaluator rejected a model critique. */
export type RejectReason = z.infer<typeof RejectReasonSchema>;
/** Every reject reason, in the order the UI offers them. */
export const rejectReasons: readonly RejectReason[] = RejectReasonSchema.options;

/** Categories offered for an evaluator's own flaw (Saunders et al. 2022). */
export const flawCategories = ['accuracy', 'coverage', 'coherence', 'correctness', 'security', 'style', 'other'] as const;

/** A flaw the evaluator found: anchored in the output (or base) or about the whole output. */
export const OwnFlawSchema = z
  .object({
    id: z.string().min(1).max(64),
    description: z.string().trim().min(1, 'describe the flaw').max(20_000),
    anchor: AnchorSchema.optional(),
    severity: SeveritySchema.optional(),
    category: z.string().trim().min(1).max(100).optional(),
  })
  .strict();
/** A flaw the evaluator found. */
export type OwnFlaw = z.infer<typeof OwnFlawSchema>;

const critiqueId = z.string().min(1).max(200);

/**
 * One entry of a review's append-only event log. Past-tense names: each records something the
 * evaluator did. `undone`/`redone` step through the history of the other editing events, never past
 * a `submitted`, `skipped` or `reopened` (see shared/review/state.ts).
 */
export const ReviewEventSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('decision-recorded'),
      critique: critiqueId,
      verdict: z.enum(['accept', 'reject']),
      reason: RejectReasonSchema.optional(),
      editedText: z.string().trim().min(1).max(20_000).optional(),
    })
    .strict(),
  z.object({ type: z.literal('decision-cleared'), critique: critiqueId }).strict(),
  z.object({ type: z.literal('flaw-added'), flaw: OwnFlawSchema }).strict(),
  z.object({ type: z.literal('flaw-edited'), flaw: OwnFlawSchema }).strict(),
  z.object({ type: z.literal('flaw-deleted'), id: z.string().min(1).max(64) }).strict(),
  z.object({ type: z.literal('rating-set'), rating: z.number().int().min(1).max(7).nullable() }).strict(),
  z.object({ type: z.literal('undone') }).strict(),
  z.object({ type: z.literal('redone') }).strict(),
  z.object({ type: z.literal('submitted') }).strict(),
  z.object({ type: z.literal('skipped'), reason: z.string().trim().min(1).max(2_000) }).strict(),
  // Recorded by the back end only ("Ask the critic", practice queue): critiques that joined the
  // review's shown list. Never an edit (undo does not remove them); refused from a client.
  z.object({ type: z.literal('critiques-added'), critiques: z.array(critiqueId).min(1).max(100) }).strict(),
  // The study's yes/no question (yes = the output is flawed) and the evaluator's confidence in the
  // answer, 50 (a guess) to 100 (certain); null clears. Undoable like the rating.
  z.object({ type: z.literal('answer-set'), answer: z.boolean().nullable() }).strict(),
  z.object({ type: z.literal('confidence-set'), confidence: z.number().int().min(50).max(100).nullable() }).strict(),
  // The item's time limit ran out: the review ends as the study's setting says (submitted as it
  // stands, or skipped with reason "time limit"), whatever the rating and decide-all rules say.
  z.object({ type: z.literal('time-expired'), outcome: z.enum(['submitted', 'skipped']) }).strict(),
  // A finished (submitted or skipped) review made editable again; its next submit is a new revision.
  z.object({ type: z.literal('reopened') }).strict(),
]);
/** One entry of a review's event log. */
export type ReviewEvent = z.infer<typeof ReviewEventSchema>;
/** The name of an event type. */
export type ReviewEventType = ReviewEvent['type'];

/** An event as stored: its place in the log and when it happened. */
export interface LoggedReviewEvent {
  readonly seq: number;
  readonly event: ReviewEvent;
}

/** Splits an event into the `type` column and the payload stored as JSON. */
export function eventPayload(event: ReviewEvent): { type: ReviewEventType; payload: Record<string, unknown> } {
  const { type, ...payload } = event;
  return { type, payload };
}

/** Rebuilds an event from its stored `type` and payload; throws when the row is not a valid event. */
export function eventFromRow(type: string, payload: unknown): ReviewEvent {
  return ReviewEventSchema.parse({ ...(payload as object), type });
}
