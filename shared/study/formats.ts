import { z } from 'zod';
import { ReviewEventSchema } from '../review/events.js';
import { ReviewRecordSchema } from '../review/record.js';
import { AnchorSchema, TextAnchorSchema } from '../anchors.js';
import { REOPEN_FEATURE, RequiresSchema } from '../requires.js';
import { TaskFileSchema } from '../task-files.js';
import { SeveritySchema } from '../task-format.js';
import { PackSettingsSchema, SETTINGS_FEATURE_VERSION, SETTINGS_FEATURES } from './settings.js';

// The two files between a researcher and an evaluator: the pack (out) and the results (back).
// docs/studies.md describes them; these schemas are authoritative.
//
// Version 2 (written from issue #10 on) and its compatibility rule:
// - Every object except anchors and review events is OPEN: a reader ignores fields it does not
//   know. Such fields are still covered by the file's hash (and the results' proof), so nothing
//   unknown can be slipped in unnoticed; they are only not understood. Later versions of Assay add
//   optional fields this way (study `settings`, reopened reviews, multi-file tasks) without a new
//   format version.
// - A feature that an older reader must not ignore (it would show or score something wrongly:
//   a rating that is off, a time limit that submits, tasks with several files, anchors with a
//   `path`, reopened reviews) is listed in `requires` as {feature, assay}: a reader that does not
//   know a listed feature refuses the whole file with "needs Assay ≥ <assay>".
// - Anchors are closed (an unknown key could move what they point at); review events are closed
//   (their payload is replayed under the review rules).
// Version 1 files (issued before the upgrade) are still read; their results carry no proof of
// origin and are marked unauthenticated.

/** A content hash as written in packs and results files: `sha256:` and 64 hex digits. */
export const ContentHashSchema = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'expected sha256: and 64 hex digits');

export { KNOWN_FEATURES, RequiresSchema, unknownRequirement } from '../requires.js';

/** The `requires` entry of a results file with reopened reviews; `assay` is the first version that reads them. */
export const REOPEN_REQUIREMENT = { feature: REOPEN_FEATURE, assay: '0.2.0' } as const;

/**
 * The `requires` of a results file: the features its event logs use that an older reader could
 * not replay — the clock's ending (`time-limit`), the question's answers (`question`) and reopened
 * reviews (`reopen`). (Multi-file anchors are added by the writer: studies/results.ts.)
 */
export function resultsRequires(eventTypes: Iterable<string>): { feature: string; assay: string }[] {
  const used = new Set<string>();
  for (const type of eventTypes) {
    if (type === 'time-expired') used.add('time-limit');
    if (type === 'answer-set' || type === 'confidence-set') used.add('question');
    if (type === 'reopened') used.add('reopen');
  }
  const settings = SETTINGS_FEATURES.filter((f) => used.has(f)).map((feature) => ({ feature: feature as string, assay: SETTINGS_FEATURE_VERSION }));
  return used.has('reopen') ? [...settings, { ...REOPEN_REQUIREMENT }] : settings;
}

// ---------------------------------------------------------------------------------------------
// Version 1 (closed objects; read only).

/** A critique as a version-1 pack carries it. */
const PackCritiqueV1Schema = z
  .object({
    id: z.string().min(1),
    text: z.string().min(1),
    anchor: TextAnchorSchema.optional(),
    severity: SeveritySchema.optional(),
    category: z.string().optional(),
    evidence: z.array(z.object({ anchor: TextAnchorSchema, note: z.string().optional() }).strict()).optional(),
  })
  .strict();

const ContextV1Schema = z
  .object({
    document: z.string().optional(),
    query: z.string().optional(),
    problem: z.string().optional(),
    sections: z.array(z.object({ title: z.string(), summary: z.string().optional(), text: z.string().optional() }).strict()).optional(),
  })
  .strict();

const PackTaskV1Schema = z
  .object({
    id: z.string().min(1),
    kind: z.enum(['summary', 'code']),
    title: z.string().optional(),
    output: z.string(),
    context: ContextV1Schema.optional(),
    language: z.string().optional(),
    base: z.string().optional(),
    critiques: z.array(PackCritiqueV1Schema).optional(),
  })
  .strict();

/** An offline pack, format `assay-pack` version 1 (before issue #10: no secret). */
export const PackFileV1Schema = z
  .object({
    format: z.literal('assay-pack'),
    version: z.literal(1),
    pack: z.object({ id: z.string().min(1), created_at: z.iso.datetime({ offset: true }) }).strict(),
    study: z.object({ id: z.string().min(1), name: z.string().min(1), time_limit_seconds: z.number().int().positive().nullable() }).strict(),
    evaluator: z.object({ id: z.string().min(1), display_name: z.string().min(1) }).strict(),
    items: z.array(
      z
        .object({
          position: z.number().int().min(1),
          label: z.string().min(1),
          show_critiques: z.boolean(),
          task: PackTaskV1Schema,
        })
        .strict(),
    ),
    hash: ContentHashSchema,
  })
  .strict();
/** A version-1 pack. */
export type PackFileV1 = z.infer<typeof PackFileV1Schema>;

/** One event of a review's log as a results file carries it. */
export const ResultsEventSchema = z.object({
  seq: z.number().int().min(1),
  type: z.string().min(1),
  payload: z.record(z.string(), z.unknown()),
  client_time: z.number().int().nullable(),
  server_time: z.number().int(),
});
/** One event of a results file. */
export type ResultsEvent = z.infer<typeof ResultsEventSchema>;

const ResultsReviewV1Schema = z
  .object({
    record: ReviewRecordSchema,
    started_at_ms: z.number().int(),
    submitted_at_ms: z.number().int(),
    active_ms: z.number().int().nonnegative(),
    shown: z.array(z.string()),
    events: z.array(ResultsEventSchema.strict()).min(1),
  })
  .strict();

/** An evaluator's results, format `assay-results` version 1 (no proof of origin). */
export const ResultsFileV1Schema = z
  .object({
    format: z.literal('assay-results'),
    version: z.literal(1),
    study: z.object({ id: z.string().min(1), name: z.string().min(1) }).strict(),
    pack: z.object({ id: z.string().min(1) }).strict(),
    evaluator: z.string().min(1),
    exported_at: z.iso.datetime({ offset: true }),
    reviews: z.array(ResultsReviewV1Schema),
    hash: ContentHashSchema,
  })
  .strict();
/** A version-1 results file. */
export type ResultsFileV1 = z.infer<typeof ResultsFileV1Schema>;

// ---------------------------------------------------------------------------------------------
// Version 2 (open objects, `requires`, `settings`, a secret in the pack and a proof in the results).

const evidenceSchema = z.object({ anchor: TextAnchorSchema, note: z.string().optional() });

/** A critique as a pack carries it: what the evaluator sees, with a neutral id (k1, k2, …). */
export const PackCritiqueSchema = z.object({
  id: z.string().min(1),
  text: z.string(),
  anchor: AnchorSchema.optional(),
  severity: SeveritySchema.optional(),
  category: z.string().optional(),
  evidence: z.array(evidenceSchema).optional(),
});

/** A task as a pack carries it: the task format's fields an evaluator may see; no flaws, no meta. */
export const PackTaskSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['summary', 'code']),
  title: z.string().optional(),
  output: z.string(),
  context: z
    .object({
      document: z.string().optional(),
      query: z.string().optional(),
      problem: z.string().optional(),
      sections: z.array(z.object({ title: z.string(), summary: z.string().optional(), text: z.string().optional() })).optional(),
    })
    .optional(),
  language: z.string().optional(),
  base: z.string().optional(),
  /** A multi-file code task's files (then `requires` lists "multi-file": an older reader would show an empty output). */
  files: z.array(TaskFileSchema).optional(),
  critiques: z.array(PackCritiqueSchema).optional(),
});
/** A task as a pack carries it. */
export type PackTask = z.infer<typeof PackTaskSchema>;

/** What an item showed: content hashes of the task as shown and of each shown critique, in order. */
export const SeenSchema = z.object({ task: ContentHashSchema, critiques: z.array(ContentHashSchema) });

/** One item of an evaluator's queue in a pack. */
export const PackItemSchema = z.object({
  position: z.number().int().min(1),
  /** The neutral label of the item's condition, private to this evaluator ("Set A"). */
  label: z.string().min(1),
  /** False in an unassisted condition: the review screen shows no critique panel. */
  show_critiques: z.boolean(),
  task: PackTaskSchema,
  /** The pin: what this item shows, so that the evaluator's Assay can check it reads the pack the same way. */
  seen: SeenSchema,
});

/**
 * An offline pack, format `assay-pack` version 2: one JSON object holding only what one evaluator
 * may see, and the pack's secret (random, known only to the researcher's database and this pack).
 * `hash` is sha256 over the canonical JSON of every other key.
 */
export const PackFileV2Schema = z.object({
  format: z.literal('assay-pack'),
  version: z.literal(2),
  requires: RequiresSchema,
  pack: z.object({
    id: z.string().min(1),
    /** Which export (issue) of the pack this is: every export has its own secret. */
    issue: z.string().regex(/^[0-9a-f]{16}$/, 'expected 16 hex digits'),
    /** 32 random bytes (hex): the key of the results' proof. Never derived from public values. */
    secret: z.string().regex(/^[0-9a-f]{64}$/, 'expected 64 hex digits'),
    created_at: z.iso.datetime({ offset: true }),
  }),
  study: z.object({
    id: z.string().min(1),
    name: z.string().min(1),
    /** Whom the evaluator sends results to (optional; a reader that does not know it ignores it). */
    researcher: z.string().min(1).max(200).optional(),
  }),
  settings: PackSettingsSchema,
  evaluator: z.object({ id: z.string().min(1), display_name: z.string().min(1) }),
  items: z.array(PackItemSchema),
  hash: ContentHashSchema,
});
/** A version-2 pack. */
export type PackFileV2 = z.infer<typeof PackFileV2Schema>;

/** One finished review in a version-2 results file: its record, exact times, what it showed and its full event log. */
export const ResultsReviewSchema = z.object({
  record: ReviewRecordSchema,
  started_at_ms: z.number().int(),
  submitted_at_ms: z.number().int(),
  active_ms: z.number().int().nonnegative(),
  /** Neutral ids of the critiques shown, in display order. */
  shown: z.array(z.string()),
  /** Content hashes of what was shown (the item's pin), checked against the researcher's pin. */
  seen: SeenSchema,
  events: z.array(ResultsEventSchema).min(1),
});
/** One finished review in a results file. */
export type ResultsReview = z.infer<typeof ResultsReviewSchema>;

/**
 * An evaluator's results, format `assay-results` version 2: the reviews of one pack with their
 * event logs. `hash` is sha256 and `mac` an HMAC-SHA256 under the pack's secret, both over the
 * canonical JSON of every other key: the mac proves the file came from that pack.
 */
export const ResultsFileV2Schema = z.object({
  format: z.literal('assay-results'),
  version: z.literal(2),
  requires: RequiresSchema,
  study: z.object({ id: z.string().min(1), name: z.string().min(1) }),
  pack: z.object({ id: z.string().min(1), issue: z.string().regex(/^[0-9a-f]{16}$/, 'expected 16 hex digits') }),
  evaluator: z.string().min(1),
  exported_at: z.iso.datetime({ offset: true }),
  reviews: z.array(ResultsReviewSchema),
  hash: ContentHashSchema,
  mac: z.string().regex(/^hmac-sha256:[0-9a-f]{64}$/, 'expected hmac-sha256: and 64 hex digits'),
});
/** A version-2 results file. */
export type ResultsFileV2 = z.infer<typeof ResultsFileV2Schema>;

/** The format versions this Assay reads, and the one it writes. */
export const FORMAT_VERSIONS = { read: [1, 2], write: 2 } as const;

/** Checks an event of a results file against the review event schema (payload and type together). */
export function parseResultsEvent(e: ResultsEvent): ReturnType<typeof ReviewEventSchema.safeParse> {
  return ReviewEventSchema.safeParse({ ...e.payload, type: e.type });
}
