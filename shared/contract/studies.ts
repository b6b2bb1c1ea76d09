import { z } from 'zod';
import { StudySettingsSchema } from '../study/settings.js';
import { StudyCheckSchema } from '../study/check.js';
import { ConditionSpecSchema, StudySpecSchema } from '../study/spec.js';
import { StudyPlanSchema } from '../metrics/plan-schema.js';
import { op } from './op.js';
import { DeletableSchema } from './tasks.js';

/** A study in the researcher's list. */
export const StudySummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  seed: z.number().int(),
  overlap: z.number().int(),
  conditions: z.array(z.object({ name: z.string(), policy: z.string() })),
  evaluatorCount: z.number().int().nonnegative(),
  taskCount: z.number().int().nonnegative(),
  done: z.number().int().nonnegative(),
  total: z.number().int().nonnegative(),
  createdAt: z.number().int(),
  /** `closed`: no new reviews, results or packs (see `studies:close`). */
  state: z.enum(['open', 'closed']),
  /** True: reviewed only on this machine (no packs); false: reviewed only from packs. */
  reviewHere: z.boolean(),
  /** Archived: hidden from the lists unless asked for (a closed study; everything is kept). */
  archived: z.boolean(),
});
/** A study in the researcher's list. */
export type StudySummary = z.infer<typeof StudySummarySchema>;

/** A review's state as the researcher's progress views show it. */
export const AssignmentStatusSchema = z.enum(['new', 'open', 'submitted', 'skipped']);

/** One assignment: who reviews which task under which condition, where in their queue. */
export const StudyAssignmentSchema = z.object({
  evaluator: z.string(),
  task: z.string(),
  condition: z.string(),
  label: z.string(),
  position: z.number().int(),
  status: AssignmentStatusSchema,
});
/** One assignment. */
export type StudyAssignment = z.infer<typeof StudyAssignmentSchema>;

/** A study with its whole assignment: the researcher's view (holds condition names). */
export const StudyDetailSchema = z.object({
  id: z.string(),
  name: z.string(),
  seed: z.number().int(),
  overlap: z.number().int(),
  /** The per-item time limit in seconds (also in `settings`; kept for older readers). */
  timeLimitSeconds: z.number().int().nullable(),
  /** How the study's evaluators review: every setting, defaults included (shared/study/settings.ts). */
  settings: StudySettingsSchema,
  createdAt: z.number().int(),
  state: z.enum(['open', 'closed']),
  closedAt: z.number().int().nullable(),
  /** True: reviewed only on this machine (no packs); false: reviewed only from packs. */
  reviewHere: z.boolean(),
  /** Whom evaluators send results to, as the packs say; null when not given. */
  researcher: z.string().nullable(),
  /** When the study was archived (hidden from the lists), or null. */
  archivedAt: z.number().int().nullable(),
  /** Whether the study can be deleted (only one that never showed anything), and if not, why. */
  deletable: DeletableSchema,
  conditions: z.array(z.object({ name: z.string(), policy: z.string() })),
  /** The study check made at creation (null for studies created before checks existed). */
  check: z.object({ check: StudyCheckSchema, forced: z.boolean(), createdAt: z.number().int() }).nullable(),
  evaluators: z.array(z.object({ id: z.string(), displayName: z.string() })),
  tasks: z.array(z.object({ id: z.string(), title: z.string().nullable() })),
  assignments: z.array(StudyAssignmentSchema),
  /** Results files merged into the study, oldest first (provenance). */
  imports: z.array(
    z.object({
      source: z.string(),
      kind: z.enum(['results', 'records']),
      pack: z.string().nullable(),
      added: z.number().int(),
      unchanged: z.number().int(),
      /** Reviews merged as a newer revision of one already here (reopened and finished again). */
      revised: z.number().int(),
      conflicts: z.number().int(),
      importedAt: z.number().int(),
      /** True when the file proved it came from the pack issued to its evaluator (a version-2 results file). */
      authenticated: z.boolean(),
      /** The results format version; null for review-record JSONL. */
      formatVersion: z.number().int().nullable(),
    }),
  ),
});
/** A study with its whole assignment. */
export type StudyDetail = z.infer<typeof StudyDetailSchema>;

/** A file handed to or from the UI (browser upload/download, desktop open/save). */
export const FileContentSchema = z.object({ fileName: z.string().min(1).max(500), content: z.string() });

/** What importing one results file did. */
export const ResultsFileReportSchema = z.object({
  file: z.string(),
  /** `refused`: nothing of this file was stored; `error` says why. */
  status: z.enum(['merged', 'refused']),
  error: z.string().nullable(),
  study: z.string().nullable(),
  evaluator: z.string().nullable(),
  /**
   * True when the file proved it came from the pack issued to its evaluator (format 2, HMAC under
   * the pack's secret). False for version-1 files (issued before the upgrade) and review records.
   */
  authenticated: z.boolean(),
  /** The results format version; null for review-record JSONL (and for a file that is neither). */
  formatVersion: z.number().int().nullable(),
  added: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  /** Reviews stored before whose log this file extends (reopened and finished again): merged as a newer revision. */
  revised: z.number().int().nonnegative(),
  conflicts: z.array(z.object({ task: z.string(), evaluator: z.string(), message: z.string() })),
});
/** What importing one results file did. */
export type ResultsFileReport = z.infer<typeof ResultsFileReportSchema>;

/** A pack opened in this database (the evaluator's side). */
export const ImportedPackSchema = z.object({
  id: z.string(),
  study: z.string(),
  evaluator: z.string(),
  items: z.number().int().nonnegative(),
  finished: z.number().int().nonnegative(),
  /** The study's optional per-item time limit (also in `settings`). */
  timeLimitSeconds: z.number().int().nullable(),
  /** The study's settings as the pack carried them. */
  settings: StudySettingsSchema,
  importedAt: z.number().int(),
  /** Whom the evaluator sends results to, as the pack names them; null: the researcher who sent the pack. */
  researcher: z.string().nullable(),
  /** Finished reviews that no results file handed out so far holds (reopened and finished again included). */
  unexported: z.number().int().nonnegative(),
  /** The last results file handed out: when, its name, where it was saved (null: offered for download). */
  lastExport: z.object({ at: z.number().int(), fileName: z.string(), savedTo: z.string().nullable(), reviews: z.number().int().nonnegative() }).nullable(),
});
/** A pack opened in this database. */
export type ImportedPack = z.infer<typeof ImportedPackSchema>;

/** An evaluator profile as the researcher's housekeeping sees it. */
export const ProfileSchema = z.object({
  id: z.string(),
  displayName: z.string(),
  createdAt: z.number().int(),
  /** Reviews of this profile, practice included, finished or not. */
  reviews: z.number().int().nonnegative(),
  /** Studies that list this profile as an evaluator, and studies of packs opened for it. */
  studies: z.array(z.string()),
  removable: DeletableSchema,
});
/** An evaluator profile as the researcher's housekeeping sees it. */
export type Profile = z.infer<typeof ProfileSchema>;

/** Operations on studies, offline packs and results. */
export const studyOps = {
  'studies:list': op(
    'Every study in this database with its progress (archived ones only when asked for).',
    z.object({ archived: z.boolean().default(false) }).strict(),
    z.array(StudySummarySchema),
  ),
  'studies:get': op('One study with its assignment and progress.', z.object({ name: z.string().min(1) }).strict(), StudyDetailSchema),
  'studies:create': op(
    'Creates a study and its balanced assignment, and fills the evaluators\u2019 queues; refused when the study check finds an error, unless force.',
    StudySpecSchema.extend({ force: z.boolean().optional() }),
    StudyDetailSchema,
  ),
  'studies:check': op(
    'Checks a design before it is created: every hazard with a count and what to do, and its power to detect a 50% uplift.',
    z
      .object({
        conditions: z.array(ConditionSpecSchema).min(1).max(20),
        evaluators: z.number().int().min(1).max(10_000),
        overlap: z.number().int().min(1).max(10_000),
        tasks: z.array(z.string().min(1).max(200)).min(1).max(200_000).optional(),
      })
      .strict(),
    StudyCheckSchema,
  ),
  'studies:plan': op(
    'Simulates designs over tasks in this database: how many evaluators and tasks give the power to detect a relative uplift.',
    z
      .object({
        conditions: z.array(ConditionSpecSchema).min(2).max(20),
        uplift: z.number().positive().max(10),
        overlap: z.number().int().min(1).max(64).optional(),
        tasks: z.array(z.string().min(1).max(200)).min(1).max(200_000).optional(),
        evaluatorSd: z.number().min(0).max(5).optional(),
        power: z.number().gt(0).lt(1).optional(),
      })
      .strict(),
    StudyPlanSchema,
  ),
  'studies:close': op(
    'Closes a study for good: no new reviews, results imports or pack exports; its tasks may appear in practice queues again.',
    z.object({ name: z.string().min(1) }).strict(),
    StudyDetailSchema,
  ),
  'studies:archive': op(
    'Archives a closed study (hidden from the lists, everything kept), or with archived: false brings it back.',
    z.object({ name: z.string().min(1), archived: z.boolean().default(true) }).strict(),
    StudyDetailSchema,
  ),
  'studies:delete': op(
    'Deletes a study that never showed anything (no pack issued, no review, no results merged); refuses any other, with the reason. Its tasks and profiles stay.',
    z.object({ name: z.string().min(1) }).strict(),
    z.object({ name: z.string(), queueItems: z.number().int().nonnegative() }),
  ),
  'profiles:list': op(
    'Every evaluator profile with what refers to it (reviews, studies, opened packs), and whether it can be removed.',
    z.object({}).strict(),
    z.array(ProfileSchema),
  ),
  'profiles:remove': op(
    'Removes an evaluator profile that has no reviews, is in no study and came with no pack; refuses any other, with the reason.',
    z.object({ id: z.string().min(1).max(200) }).strict(),
    z.object({ id: z.string(), queueItems: z.number().int().nonnegative() }),
  ),
  'packs:export': op(
    'Writes one evaluator\u2019s offline pack (only what they may see).',
    z.object({ study: z.string().min(1), evaluator: z.string().min(1) }).strict(),
    FileContentSchema,
  ),
  'packs:import': op(
    'Opens an offline pack in this database: tasks, evaluator profile and queue.',
    FileContentSchema.strict(),
    z.object({ pack: z.string(), study: z.string(), evaluator: z.string(), items: z.number().int(), unchanged: z.boolean() }),
  ),
  'packs:list': op('The packs opened in this database.', z.object({}).strict(), z.array(ImportedPackSchema)),
  'results:export': op(
    'Writes the finished reviews of an opened pack, with their event logs and a content hash.',
    z.object({ pack: z.string().min(1).optional() }).strict(),
    FileContentSchema.extend({ reviews: z.number().int().nonnegative() }),
  ),
  'results:save': op(
    'Hands the evaluator the results file of an opened pack and records which reviews it holds: in the desktop app a save dialog writes it (`savedTo`; `cancelled` when the dialog was closed: nothing recorded); in browser mode `content` comes back for the page to download.',
    z.object({ pack: z.string().min(1).optional() }).strict(),
    z.object({
      fileName: z.string(),
      content: z.string().nullable(),
      savedTo: z.string().nullable(),
      cancelled: z.boolean(),
      reviews: z.number().int().nonnegative(),
      pack: z.string(),
      study: z.string(),
      evaluator: z.string(),
      researcher: z.string().nullable(),
    }),
  ),
  'results:import': op(
    'Merges results files (or plain review-record JSONL) into their study.',
    z.object({ files: z.array(FileContentSchema.strict()).min(1).max(200), study: z.string().min(1).optional() }).strict(),
    z.array(ResultsFileReportSchema),
  ),
} as const;
