import { z } from 'zod';
import { ReviewEventSchema } from '../review/events.js';
import { ReviewRecordSchema } from '../review/record.js';
import { AnchorSchema, SeveritySchema } from '../task-format.js';

/** A content hash as written in packs and results files: `sha256:` and 64 hex digits. */
export const ContentHashSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256: and 64 hex digits');

/** A critique as a pack carries it: what the evaluator sees, never `valid`, `score` or `model`. */
export const PackCritiqueSchema = z
  .object({
    id: z.string().min(1),
    text: z.string().min(1),
    anchor: AnchorSchema.optional(),
    severity: SeveritySchema.optional(),
    category: z.string().optional(),
    evidence: z.array(z.object({ anchor: AnchorSchema, note: z.string().optional() }).strict()).optional(),
  })
  .strict();

/** A task as a pack carries it: the task format's fields an evaluator may see; no flaws, no meta. */
export const PackTaskSchema = z
  .object({
    id: z.string().min(1),
    kind: z.enum(['summary', 'code']),
    title: z.string().optional(),
    output: z.string(),
    context: z
      .object({
        document: z.string().optional(),
        query: z.string().optional(),
        problem: z.string().optional(),
        sections: z.array(z.object({ title: z.string(), summary: z.string().optional(), text: z.string().optional() }).strict()).optional(),
      })
      .strict()
      .optional(),
    language: z.string().optional(),
    base: z.string().optional(),
    critiques: z.array(PackCritiqueSchema).optional(),
  })
  .strict();
/** A task as a pack carries it. */
export type PackTask = z.infer<typeof PackTaskSchema>;

/** One item of an evaluator's queue in a pack. */
export const PackItemSchema = z
  .object({
    position: z.number().int().min(1),
    /** The neutral label of the item's condition, private to this evaluator ("Set A"). */
    label: z.string().min(1),
    /** False in an unassisted condition: the review screen shows no critique panel. */
    show_critiques: z.boolean(),
    task: PackTaskSchema,
  })
  .strict();

/**
 * An offline pack, format `assay-pack` version 1: one JSON object holding only what one evaluator
 * may see. `hash` is sha256 over the canonical JSON of every other key.
 */
export const PackFileSchema = z
  .object({
    format: z.literal('assay-pack'),
    version: z.literal(1),
    pack: z.object({ id: z.string().min(1), created_at: z.iso.datetime({ offset: true }) }).strict(),
    study: z.object({ id: z.string().min(1), name: z.string().min(1), time_limit_seconds: z.number().int().positive().nullable() }).strict(),
    evaluator: z.object({ id: z.string().min(1), display_name: z.string().min(1) }).strict(),
    items: z.array(PackItemSchema),
    hash: ContentHashSchema,
  })
  .strict();
/** An offline pack. */
export type PackFile = z.infer<typeof PackFileSchema>;

/** One event of a review's log as a results file carries it. */
export const ResultsEventSchema = z
  .object({
    seq: z.number().int().min(1),
    type: z.string().min(1),
    payload: z.record(z.string(), z.unknown()),
    client_time: z.number().int().nullable(),
    server_time: z.number().int(),
  })
  .strict();

/** One finished review in a results file: its public record, exact times, and its full event log. */
export const ResultsReviewSchema = z
  .object({
    record: ReviewRecordSchema,
    started_at_ms: z.number().int(),
    submitted_at_ms: z.number().int(),
    active_ms: z.number().int().nonnegative(),
    shown: z.array(z.string()),
    events: z.array(ResultsEventSchema).min(1),
  })
  .strict();
/** One finished review in a results file. */
export type ResultsReview = z.infer<typeof ResultsReviewSchema>;

/**
 * An evaluator's results, format `assay-results` version 1: the review records of one pack with
 * their event logs. `hash` is sha256 over the canonical JSON of every other key.
 */
export const ResultsFileSchema = z
  .object({
    format: z.literal('assay-results'),
    version: z.literal(1),
    study: z.object({ id: z.string().min(1), name: z.string().min(1) }).strict(),
    pack: z.object({ id: z.string().min(1) }).strict(),
    evaluator: z.string().min(1),
    exported_at: z.iso.datetime({ offset: true }),
    reviews: z.array(ResultsReviewSchema),
    hash: ContentHashSchema,
  })
  .strict();
/** An evaluator's results file. */
export type ResultsFile = z.infer<typeof ResultsFileSchema>;

/** Checks an event of a results file against the review event schema. */
export function parseResultsEvent(e: z.infer<typeof ResultsEventSchema>): ReturnType<typeof ReviewEventSchema.parse> {
  return ReviewEventSchema.parse({ ...e.payload, type: e.type });
}
