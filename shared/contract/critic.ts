import { z } from 'zod';
import { CriticNameSchema } from '../critic/names.js';
import { op } from './op.js';
import { ReviewViewSchema } from './review.js';

/** Where the key of a run comes from: none, an environment variable of the back end, or the keychain (desktop). */
export const KeyChoiceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('none') }).strict(),
  z.object({ kind: z.literal('env'), name: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/, 'an environment variable name (letters, digits, "_")') }).strict(),
  z.object({ kind: z.literal('keychain') }).strict(),
]);
/** Where the key of a run comes from. */
export type KeyChoice = z.infer<typeof KeyChoiceSchema>;

/** A critic run as the UI asks for it (the same settings as `assay critique`). */
export const CriticRunInputSchema = z
  .object({
    name: CriticNameSchema,
    baseUrl: z.string().min(1).max(2000),
    model: z.string().trim().min(1).max(200),
    key: KeyChoiceSchema.default({ kind: 'none' }),
    samples: z.number().int().min(1).max(64).default(1),
    concurrency: z.number().int().min(1).max(256).default(4),
    /** Every task, or these ids. */
    tasks: z.union([z.literal('all'), z.array(z.string().min(1).max(1000)).min(1).max(100_000)]).default('all'),
    /** A prompt template for both kinds (the defaults when absent). */
    promptText: z.string().min(1).max(1024 * 1024).optional(),
    temperature: z.number().min(0).max(2).default(0.7),
    seed: z.number().int().min(0).max(2 ** 31 - 65).default(0),
    maxTokens: z.number().int().min(1).max(1_000_000).default(1024),
    maxRequests: z.number().int().min(0).max(10_000_000).nullable().default(null),
    replace: z.boolean().default(false),
    onDemand: z.boolean().default(false),
  })
  .strict();
/** A critic run as the UI asks for it. */
export type CriticRunInput = z.input<typeof CriticRunInputSchema>;

/** Counts while a run goes on. */
export const CriticRunProgressSchema = z.object({
  state: z.enum(['running', 'done', 'cancelled']),
  planned: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  failed: z.number().int().nonnegative(),
  refused: z.number().int().nonnegative(),
  notAttempted: z.number().int().nonnegative(),
  critiques: z.number().int().nonnegative(),
  hallucinated: z.number().int().nonnegative(),
  requests: z.number().int().nonnegative(),
  tokens: z.object({ prompt: z.number().int().nonnegative(), completion: z.number().int().nonnegative() }),
});
/** Counts while a run goes on. */
export type CriticRunProgress = z.infer<typeof CriticRunProgressSchema>;

/** What a run did (or, dry, would do). */
export const CriticRunSummarySchema = z.object({
  critic: z.string(),
  model: z.string(),
  /** The endpoint's host and port. */
  endpoint: z.string(),
  /** The structured-output mode used (or asked for, in a dry run). */
  structured: z.string(),
  dryRun: z.boolean(),
  tasks: z.number().int().nonnegative(),
  samplesPerTask: z.number().int().nonnegative(),
  /** (task, sample) pairs already stored: not asked again. */
  alreadyStored: z.number().int().nonnegative(),
  /** (task, sample) pairs to ask for. */
  planned: z.number().int().nonnegative(),
  /** Samples stored by this run. */
  done: z.number().int().nonnegative(),
  critiques: z.number().int().nonnegative(),
  /** Critiques whose claimed anchor is not in the text (kept without an anchor). */
  hallucinated: z.number().int().nonnegative(),
  /** Evidence quotes not found in the source document (dropped from `evidence`, kept as `unverified_evidence`). */
  unverifiedEvidence: z.number().int().nonnegative(),
  /** The first 100 failures, with reasons (a key never appears in them). */
  failed: z.array(z.object({ task: z.string(), sample: z.number().int(), reason: z.string() })),
  failedCount: z.number().int().nonnegative(),
  /** Tasks no critique may be added to (a study showed them), with the reason naming the study. */
  refused: z.array(z.object({ task: z.string(), reason: z.string() })),
  refusedCount: z.number().int().nonnegative(),
  /** Samples not asked for: the run stopped (cancelled, --max-requests, a fatal error). */
  notAttempted: z.number().int().nonnegative(),
  /** HTTP requests sent, retries included. */
  requests: z.number().int().nonnegative(),
  /** Tokens as the endpoint reported them. */
  tokens: z.object({ prompt: z.number().int().nonnegative(), completion: z.number().int().nonnegative() }),
  /** Dry run: how many requests, about how many prompt tokens (4 characters a token). */
  estimate: z.object({ requests: z.number().int().nonnegative(), promptTokens: z.number().int().nonnegative() }).nullable(),
  stopped: z.object({ reason: z.enum(['cancelled', 'max-requests', 'fatal']), message: z.string() }).nullable(),
  /** What --replace deleted first. */
  replaced: z.object({ critiques: z.number().int().nonnegative(), samples: z.number().int().nonnegative() }).nullable(),
  elapsedMs: z.number().int().nonnegative(),
});
/** What a run did. */
export type CriticRunSummary = z.infer<typeof CriticRunSummarySchema>;

/** A critic as the Tasks screen lists it. */
export const CriticInfoSchema = z.object({
  name: z.string(),
  model: z.string(),
  endpoint: z.string(),
  baseUrl: z.string(),
  key: KeyChoiceSchema,
  onDemand: z.boolean(),
  promptSha256: z.object({ summary: z.string(), code: z.string() }),
  params: z.object({ temperature: z.number(), seed: z.number().int(), max_tokens: z.number().int() }),
  tasks: z.number().int().nonnegative(),
  samples: z.number().int().nonnegative(),
  critiques: z.number().int().nonnegative(),
  hallucinated: z.number().int().nonnegative(),
});
/** A critic as the Tasks screen lists it. */
export type CriticInfo = z.infer<typeof CriticInfoSchema>;

/** One operating point of a sweep. */
export const SweepRowSchema = z.object({
  point: z.string(),
  tasks: z.number().int().nonnegative(),
  flaws: z.number().int().nonnegative(),
  pointedOut: z.number().int().nonnegative(),
  flawShare: z.number().nullable(),
  shown: z.number().int().nonnegative(),
  unmatched: z.number().int().nonnegative(),
  unmatchedShare: z.number().nullable(),
  perTask: z.number().nullable(),
});

/** A task's critique with its provenance (the Tasks preview). */
export const CritiqueProvenanceSchema = z.object({
  id: z.string(),
  text: z.string(),
  severity: z.string().nullable(),
  category: z.string().nullable(),
  score: z.number().nullable(),
  model: z.string().nullable(),
  critic: z.string().nullable(),
  sample: z.number().int().nullable(),
  generated: z.boolean(),
  hallucinated: z.boolean(),
  anchored: z.boolean(),
  details: z.record(z.string(), z.unknown()).nullable(),
});
/** A task's critique with its provenance. */
export type CritiqueProvenance = z.infer<typeof CritiqueProvenanceSchema>;

const job = z.string().min(1).max(100);
const endpoint = z.object({ baseUrl: z.string().min(1).max(2000) }).strict();

/** Operations of the critic (the Tasks screen's Generate critiques…, the sweep, "Ask the critic"). */
export const criticOps = {
  'critics:list': op('The critics of this database with their counts.', z.object({}).strict(), z.object({ items: z.array(CriticInfoSchema) })),
  'critics:estimate': op('What a run would send (a dry run): requests and about how many prompt tokens; writes nothing.', CriticRunInputSchema, CriticRunSummarySchema),
  'critics:start': op(
    'Starts a critic run in the background (a worker thread); poll critics:status. The key is read by the back end (environment or keychain), never sent by the UI.',
    CriticRunInputSchema,
    z.object({ job }),
  ),
  'critics:status': op(
    "A run's progress, and its summary once it ended (or its error).",
    z.object({ job }).strict(),
    z.object({ job, progress: CriticRunProgressSchema, summary: CriticRunSummarySchema.nullable(), error: z.string().nullable() }),
  ),
  'critics:cancel': op('Cancels a run: requests in flight are abandoned, stored samples stay.', z.object({ job }).strict(), z.object({ cancelled: z.boolean() })),
  'critics:sweep': op(
    "A critic's operating points against the ground-truth flaws: share of flaws pointed out, share of shown critiques matching no flaw, critiques per task.",
    z.object({ name: CriticNameSchema, points: z.array(z.string().min(1).max(200)).min(1).max(50).optional() }).strict(),
    z.object({ critic: z.string(), rows: z.array(SweepRowSchema) }),
  ),
  'critics:remove': op(
    "Deletes a critic's generated critiques and the critic (refused when a study or review showed any of its tasks).",
    z.object({ name: CriticNameSchema }).strict(),
    z.object({ critiques: z.number().int().nonnegative(), samples: z.number().int().nonnegative() }),
  ),
  'critics:setOnDemand': op('Chooses the critic "Ask the critic" uses in the practice queue (null: none).', z.object({ name: CriticNameSchema.nullable() }).strict(), z.object({ name: z.string().nullable() })),
  'critics:keyStatus': op(
    'Where a key for this endpoint can come from: whether the keychain can store keys (desktop only) and holds one for it, and which environment variables the UI may name.',
    endpoint,
    z.object({ keychain: z.enum(['unavailable', 'empty', 'saved']), keychainReason: z.string().nullable(), envRule: z.string() }),
  ),
  'critics:saveKey': op(
    "Stores a key for this endpoint in the OS keychain (desktop: Electron safeStorage); refused when encryption is unavailable. The key is never stored in the database.",
    z.object({ baseUrl: z.string().min(1).max(2000), key: z.string().min(1).max(4096) }).strict(),
    z.object({ saved: z.boolean() }),
  ),
  'critics:forgetKey': op("Removes this endpoint's key from the keychain.", endpoint, z.object({ removed: z.boolean() })),
  'critics:ofTask': op("A task's critiques that carry a critic, with their provenance.", z.object({ id: z.string().min(1) }).strict(), z.object({ items: z.array(CritiqueProvenanceSchema) })),
  'review:askCritic': op(
    'Practice queue only: critiques the review\'s task with the configured critic, stores the new critiques on the task and adds them to this review\'s shown list (a review event). A study review\'s shown list never changes.',
    z.object({ evaluator: z.string().min(1).max(100), review: z.number().int().min(1) }).strict(),
    z.object({ added: z.array(z.string()), hallucinated: z.number().int().nonnegative(), view: ReviewViewSchema }),
  ),
} as const;
