import { z } from 'zod';

// A study's settings: how its evaluators review (issue #12, "Study settings"; the yes/no question is
// issue #11 §4). One schema, used by `studies:create`, the stored study, the pack (in its own
// snake_case form, below), the review rules (shared/review/state.ts) and the results import.
// Every setting's default keeps the behaviour of Assay before settings existed.

/** Whether the output's 1–7 rating is asked: required before submitting, optional, or not asked at all. */
export const RatingSettingSchema = z.enum(['required', 'optional', 'off']);
/** Whether a rejection needs a reason. */
export const RejectReasonSettingSchema = z.enum(['required', 'optional']);
/**
 * What happens when an item's time runs out: submitted as it stands, or skipped with reason "time
 * limit". `advisory` is only for studies created before limits were enforced (migration 7): the
 * limit is shown and nothing happens, as it was when they were made.
 */
export const OnTimeLimitSchema = z.enum(['submit', 'skip', 'advisory']);

/** The reason a review skipped by the clock carries. */
export const TIME_LIMIT_SKIP_REASON = 'time limit';

/** The most characters of evaluator instructions (Markdown). */
export const maxInstructionsLength = 50_000;

/** A flaw category offered to evaluators: no commas (the CLI's list separator) and no control characters. */
export const CategoryNameSchema = z
  .string()
  .trim()
  .min(1, 'a category needs a name')
  .max(100)
  .regex(/^[^,\u0000-\u001f\u007f]+$/, 'a category name has no commas or control characters');

/** The settings of a study, every field with its default (today's behaviour). */
export const StudySettingsSchema = z
  .object({
    /** `off`: a rating event is refused and records carry `"rating": null`. */
    rating: RatingSettingSchema.default('required'),
    /** `optional`: a rejection may come without a reason (records from other tools have none). */
    rejectReason: RejectReasonSettingSchema.default('required'),
    /** Every shown critique decided before an evaluator's submit (a skip, or the clock, may leave some undecided). */
    decideAll: z.boolean().default(false),
    /** Instructions for evaluators, Markdown, shown before the first item and on demand; null: none. */
    instructions: z
      .string()
      .max(maxInstructionsLength, `at most ${maxInstructionsLength.toLocaleString('en')} characters`)
      .nullable()
      .default(null)
      .transform((s) => (s === null || s.trim() === '' ? null : s)),
    /** The categories an added flaw may have (in the order offered); null: the default list, not enforced. */
    categories: z
      .array(CategoryNameSchema)
      .min(1, 'give at least one category, or none for the default list')
      .max(50, 'at most 50 categories')
      .refine((list) => new Set(list).size === list.length, 'a category is listed twice')
      .nullable()
      .default(null),
    /** A per-item time limit in seconds (wall-clock time from opening the item); null: none. */
    timeLimitSeconds: z.number().int().min(1).max(86_400).nullable().default(null),
    /** What the time limit does when it runs out; null exactly when there is no limit. */
    onTimeLimit: OnTimeLimitSchema.nullable().default(null),
    /** The yes/no question asked with a confidence of 50–100% (yes = the output is flawed); null: none. */
    question: z.string().trim().min(1).max(500).nullable().default(null),
  })
  .strict()
  .transform((s) => ({
    ...s,
    // a limit without a rule submits (the common protocol); a rule without a limit means nothing
    onTimeLimit: s.timeLimitSeconds === null ? null : (s.onTimeLimit ?? 'submit'),
  }));
/** A study's settings (every field set). */
export type StudySettings = z.output<typeof StudySettingsSchema>;
/** Settings as a caller may give them: any field may be left out for its default. */
export type StudySettingsInput = z.input<typeof StudySettingsSchema>;

/**
 * Settings as `studies:create` and `assay study create` accept them: as {@link StudySettingsSchema},
 * but a new study cannot ask for an `advisory` limit (that mode only describes older studies), nor
 * for a rule without a limit.
 */
export const StudySettingsInputSchema = StudySettingsSchema.superRefine((s, ctx) => {
  if (s.onTimeLimit === 'advisory') {
    ctx.addIssue({ code: 'custom', path: ['onTimeLimit'], message: 'use "submit" or "skip" ("advisory" describes studies made before time limits were enforced)' });
  }
});

/** The settings of a study that sets nothing: Assay's behaviour before settings existed. */
export const defaultStudySettings: StudySettings = StudySettingsSchema.parse({});

/** True when the time limit ends items (submit or skip), not only shows. */
export function enforcesTimeLimit(s: StudySettings): s is StudySettings & { timeLimitSeconds: number; onTimeLimit: 'submit' | 'skip' } {
  return s.timeLimitSeconds !== null && (s.onTimeLimit === 'submit' || s.onTimeLimit === 'skip');
}

/** When an item opened at `startedAt` runs out of time (server milliseconds), or null when nothing ends it. */
export function itemDeadline(s: StudySettings, startedAt: number): number | null {
  return enforcesTimeLimit(s) ? startedAt + s.timeLimitSeconds * 1000 : null;
}

/**
 * How long after its deadline an evaluator's ordinary action is still accepted: the countdown
 * reaches zero on the evaluator's screen a network round trip after the server's deadline, and an
 * action sent just before zero must not be lost to latency.
 */
export const timeLimitSlackMs = 5_000;
/** How early the clock's own ending is accepted (timer jitter on the evaluator's machine). */
export const timeLimitEarlyMs = 1_000;

// ---------------------------------------------------------------------------------------------
// The pack's form (`settings` of an `assay-pack` v2, snake_case like the rest of the file).

/**
 * `settings` of a version-2 pack: the study settings an evaluator's Assay applies. Every field is
 * optional and absent means the default, so a study that sets nothing writes `{}` (as before
 * settings existed). A limit without `on_time_limit` is advisory: packs of older studies.
 */
export const PackSettingsSchema = z.object({
  time_limit_seconds: z.number().int().min(1).max(86_400).nullable().optional(),
  on_time_limit: z.enum(['submit', 'skip']).optional(),
  rating: RatingSettingSchema.optional(),
  reject_reason: RejectReasonSettingSchema.optional(),
  decide_all: z.boolean().optional(),
  instructions: z.string().max(maxInstructionsLength).optional(),
  categories: z.array(CategoryNameSchema).min(1).max(50).optional(),
  question: z.string().trim().min(1).max(500).optional(),
});
/** `settings` of a version-2 pack. */
export type PackSettings = z.infer<typeof PackSettingsSchema>;

/** The pack form of a study's settings: only what differs from the defaults. */
export function packSettings(s: StudySettings): PackSettings {
  return {
    ...(s.timeLimitSeconds !== null ? { time_limit_seconds: s.timeLimitSeconds } : {}),
    ...(s.onTimeLimit === 'submit' || s.onTimeLimit === 'skip' ? { on_time_limit: s.onTimeLimit } : {}),
    ...(s.rating !== 'required' ? { rating: s.rating } : {}),
    ...(s.rejectReason !== 'required' ? { reject_reason: s.rejectReason } : {}),
    ...(s.decideAll ? { decide_all: true } : {}),
    ...(s.instructions !== null ? { instructions: s.instructions } : {}),
    ...(s.categories !== null ? { categories: [...s.categories] } : {}),
    ...(s.question !== null ? { question: s.question } : {}),
  };
}

/** A study's settings read back from a pack (what the evaluator's Assay stores and enforces). */
export function settingsFromPack(p: PackSettings): StudySettings {
  const limit = p.time_limit_seconds ?? null;
  return StudySettingsSchema.parse({
    rating: p.rating,
    rejectReason: p.reject_reason,
    decideAll: p.decide_all,
    instructions: p.instructions ?? null,
    categories: p.categories ?? null,
    timeLimitSeconds: limit,
    onTimeLimit: limit === null ? null : (p.on_time_limit ?? 'advisory'),
    question: p.question ?? null,
  });
}

/** The first Assay version that knows the settings features below. */
export const SETTINGS_FEATURE_VERSION = '0.2.0';

/**
 * The `requires` features of the settings, each one a setting that an older Assay, ignoring it,
 * would apply wrongly in a way the results import then refuses or the study's protocol breaks:
 * - `rating-off`: it would demand a rating on every submit;
 * - `decide-all`: it would let evaluators submit with undecided critiques;
 * - `instructions`: the evaluators would never see the protocol they are meant to follow;
 * - `categories`: it would offer its own categories;
 * - `time-limit`: it would never end an item (`on_time_limit` submit or skip);
 * - `question`: it would never ask the question.
 * Not required (an older Assay is only stricter, and its results are valid): rating optional,
 * reject reason optional, an advisory limit (older Assay showed it the same way).
 */
export const SETTINGS_FEATURES = ['rating-off', 'decide-all', 'instructions', 'categories', 'time-limit', 'question'] as const;
/** One of {@link SETTINGS_FEATURES}. */
export type SettingsFeature = (typeof SETTINGS_FEATURES)[number];

/** The `requires` entries a pack of a study with these settings carries. */
export function settingsRequires(s: StudySettings): { feature: SettingsFeature; assay: string }[] {
  const used: SettingsFeature[] = [];
  if (s.rating === 'off') used.push('rating-off');
  if (s.decideAll) used.push('decide-all');
  if (s.instructions !== null) used.push('instructions');
  if (s.categories !== null) used.push('categories');
  if (enforcesTimeLimit(s)) used.push('time-limit');
  if (s.question !== null) used.push('question');
  return used.map((feature) => ({ feature, assay: SETTINGS_FEATURE_VERSION }));
}

/** One line per setting that differs from the default, for `assay study show` and the study screen. */
export function describeSettings(s: StudySettings): string[] {
  const lines: string[] = [];
  if (s.rating !== 'required') lines.push(s.rating === 'off' ? 'rating: off (not asked)' : 'rating: optional');
  if (s.rejectReason !== 'required') lines.push('reject reason: optional');
  if (s.decideAll) lines.push('every shown critique decided before submitting');
  if (s.categories !== null) lines.push(`flaw categories: ${s.categories.join(', ')}`);
  if (s.timeLimitSeconds !== null) {
    const what = s.onTimeLimit === 'skip' ? 'then the item is skipped' : s.onTimeLimit === 'submit' ? 'then the item is submitted as it stands' : 'shown only, not enforced';
    const limit = s.timeLimitSeconds % 60 === 0 ? `${s.timeLimitSeconds / 60} min` : `${s.timeLimitSeconds} s`;
    lines.push(`time limit: ${limit} per item (${what})`);
  }
  if (s.question !== null) lines.push(`question: "${s.question}" (yes/no with confidence 50–100%)`);
  if (s.instructions !== null) lines.push(`instructions: ${s.instructions.length.toLocaleString('en')} characters of Markdown`);
  return lines;
}
