import { z } from 'zod';
import { ReviewEventSchema } from '../review/events.js';
import { CLIENT_TIME_MAX_MS, CLIENT_TIME_MIN_MS } from '../review/times.js';
import { AnchorSchema, TextAnchorSchema } from '../anchors.js';
import { StudySettingsSchema } from '../study/settings.js';
import { SeveritySchema } from '../task-format.js';
import { op } from './op.js';
import { TaskViewSchema } from './tasks.js';
import { TextRangeSchema } from './text-range.js';

/** A local evaluator profile. */
export const EvaluatorSchema = z.object({ id: z.string(), displayName: z.string(), createdAt: z.number().int() });
/** A local evaluator profile. */
export type Evaluator = z.infer<typeof EvaluatorSchema>;

/** Where a queue item stands for its evaluator. */
export const QueueStatusSchema = z.enum(['new', 'open', 'submitted', 'skipped']);
/** Where a queue item stands for its evaluator. */
export type QueueStatus = z.infer<typeof QueueStatusSchema>;

/** A row of an evaluator's queue. Never carries the condition's name, only its neutral label. */
export const QueueEntrySchema = z.object({
  id: z.number().int(),
  taskId: z.string(),
  title: z.string().nullable(),
  kind: z.enum(['summary', 'code']),
  study: z.string(),
  label: z.string(),
  status: QueueStatusSchema,
});
/** A row of an evaluator's queue. */
export type QueueEntry = z.infer<typeof QueueEntrySchema>;

export { TextRangeSchema, type TextRange } from './text-range.js';

/**
 * A model critique as the evaluator may see it: no `valid`, no `score`, no model name, and a neutral
 * id (`k1`, `k2`, … in display order), never the original one. `range` is the anchor resolved in
 * the output (or base), null when it has none or it does not resolve.
 */
export const ShownCritiqueSchema = z.object({
  id: z.string(),
  text: z.string(),
  anchor: AnchorSchema.nullable(),
  range: TextRangeSchema.nullable(),
  severity: SeveritySchema.nullable(),
  category: z.string().nullable(),
  evidence: z.array(z.object({ anchor: TextAnchorSchema, note: z.string().nullable(), range: TextRangeSchema.nullable() })),
});
/** A model critique as the evaluator may see it. */
export type ShownCritique = z.infer<typeof ShownCritiqueSchema>;

/** The logged part of a review the evaluator already started. */
export const ReviewRecordStateSchema = z.object({
  id: z.number().int(),
  status: z.enum(['open', 'submitted', 'skipped']),
  startedAt: z.number().int(),
  submittedAt: z.number().int().nullable(),
  activeMs: z.number().int().nonnegative(),
  events: z.array(z.object({ seq: z.number().int().min(1), event: ReviewEventSchema })),
  /**
   * The item's clock when its study's time limit ends items (null otherwise): `deadline` is the
   * server time when it runs out (the item's first opening plus the limit); `remainingMs` is what
   * was left when this answer was made — count down from it on the client's own clock, which need
   * not agree with the server's. At zero, send `{type: "time-expired", outcome}` (outcome from
   * `settings.onTimeLimit`: submit → "submitted", skip → "skipped"); the server also ends an
   * expired review itself the next time it is opened, listed or exported.
   */
  clock: z.object({ deadline: z.number().int(), remainingMs: z.number().int().nonnegative() }).nullable(),
});

/**
 * Everything the workspace shows for one queue item. `critiques` is null in an unassisted
 * condition (policy `none`): then not even their count is sent.
 */
export const ReviewViewSchema = z.object({
  item: z.object({
    id: z.number().int(),
    label: z.string(),
    study: z.string(),
    /** Where the item is in its own part of the queue (its study, or practice): "item 3 of 12". */
    position: z.number().int().min(1),
    total: z.number().int().min(1),
    /** A hash of exactly what the item shows (task and critiques); `review:begin` returns it too. */
    pin: z.string(),
    /** True when the item's study is closed: its review can no longer start, change or be reopened. */
    closed: z.boolean(),
  }),
  task: TaskViewSchema,
  critiques: z.array(ShownCritiqueSchema).nullable(),
  review: ReviewRecordStateSchema.nullable(),
  /**
   * The settings of the item's study, enforced by the back end whatever the UI does: rating
   * required/optional/off, reject reason, decide-all, instructions (Markdown), flaw categories (null:
   * the default list), time limit and what ends it, the yes/no question. Practice items: defaults.
   */
  settings: StudySettingsSchema,
});
/** Everything the workspace shows for one queue item. */
export type ReviewView = z.infer<typeof ReviewViewSchema>;

const evaluatorId = z.string().min(1).max(100);
const itemId = z.number().int().min(1);

/** Operations of the evaluator's side: profiles, queue, review workspace. */
export const reviewOps = {
  'evaluators:list': op('The local evaluator profiles.', z.object({}).strict(), z.object({ items: z.array(EvaluatorSchema) })),
  'evaluators:create': op(
    'Creates a local evaluator profile; its id is derived from the name.',
    z.object({ displayName: z.string().trim().min(1, 'enter a name').max(100) }).strict(),
    EvaluatorSchema,
  ),
  'review:queue': op(
    "An evaluator's queue: study assignments first (of studies reviewed here), then the practice queue (every task).",
    z.object({ evaluator: evaluatorId }).strict(),
    z.object({
      items: z.array(QueueEntrySchema),
      /**
       * The evaluator's studies in this database that are reviewed only from packs (the researcher's
       * database): not in the queue, listed so that the Review place can say why and what to do.
       */
      elsewhere: z.array(z.object({ study: z.string(), items: z.number().int().nonnegative(), finished: z.number().int().nonnegative() })),
    }),
  ),
  'review:view': op(
    'One queue item as its evaluator may see it; reads only (safe for prefetching).',
    z.object({ evaluator: evaluatorId, item: itemId }).strict(),
    ReviewViewSchema,
  ),
  'review:begin': op(
    'Starts (or resumes) the review of a queue item and returns only its logged state, the neutral ids of the critiques it shows (null: none) and its pin; for a client that already has the view.',
    z.object({ evaluator: evaluatorId, item: itemId }).strict(),
    z.object({ review: ReviewRecordStateSchema, shown: z.array(z.string()).nullable(), pin: z.string() }),
  ),
  'review:record': op(
    'Appends one event to a review in a transaction. `expectedSeq` is the seq the client last saw; a retried call with the same clientEventId is answered from the log. Critiques are named by their neutral ids.',
    z
      .object({
        evaluator: evaluatorId,
        review: z.number().int().min(1),
        expectedSeq: z.number().int().nonnegative(),
        clientEventId: z.string().min(8).max(100),
        clientTime: z.number().int().min(CLIENT_TIME_MIN_MS).max(CLIENT_TIME_MAX_MS - 1),
        activeMs: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER).optional(),
        event: ReviewEventSchema,
      })
      .strict(),
    z.object({ seq: z.number().int().min(1), serverTime: z.number().int(), status: z.enum(['open', 'submitted', 'skipped']), activeMs: z.number().int() }),
  ),
  'review:heartbeat': op(
    "Saves a review's active time (milliseconds the window was visible with input in the last 60 s).",
    z.object({ evaluator: evaluatorId, review: z.number().int().min(1), activeMs: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) }).strict(),
    z.object({ activeMs: z.number().int().nonnegative() }),
  ),
} as const;
