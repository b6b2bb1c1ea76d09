import { z } from 'zod';
import { AnchorSchema, SeveritySchema } from '../task-format.js';
import { op } from './op.js';
import { TextRangeSchema } from './text-range.js';

/** A row of the task list: what a list needs, never the ground truth. */
export const TaskSummarySchema = z.object({
  id: z.string(),
  kind: z.enum(['summary', 'code']),
  title: z.string().nullable(),
  critiqueCount: z.number().int().nonnegative(),
  language: z.string().nullable(),
  hasBase: z.boolean(),
  /** How many files a multi-file code task has; null for a single-file task. */
  files: z.number().int().min(1).nullable(),
});
/** A row of the task list. */
export type TaskSummary = z.infer<typeof TaskSummarySchema>;

/**
 * One file of a multi-file code task as the evaluator sees it: a diff from `base` to `output` when
 * `base` is not null, else new code; a deleted file has `base`, an empty `output` and `deleted`.
 */
export const TaskFileViewSchema = z.object({
  path: z.string(),
  output: z.string(),
  base: z.string().nullable(),
  language: z.string().nullable(),
  deleted: z.boolean(),
  /** The path at `base`'s side when the file was renamed. */
  renamedFrom: z.string().nullable(),
});
/** One file of a multi-file code task as the evaluator sees it. */
export type TaskFileView = z.infer<typeof TaskFileViewSchema>;

/** A task as the evaluator may see it: no critiques' ground truth, no flaws. */
export const TaskViewSchema = z.object({
  id: z.string(),
  kind: z.enum(['summary', 'code']),
  title: z.string().nullable(),
  output: z.string(),
  language: z.string().nullable(),
  base: z.string().nullable(),
  /**
   * A multi-file code task's files, in order (task format 1.1); then `output` is empty and `base`
   * null, and every anchor and range names its file by `path`. Null for a single-file task.
   */
  files: z.array(TaskFileViewSchema).nullable(),
  context: z
    .object({
      document: z.string().optional(),
      query: z.string().optional(),
      problem: z.string().optional(),
      sections: z.array(z.object({ title: z.string(), summary: z.string().optional(), text: z.string().optional() })).optional(),
    })
    .nullable(),
});
/** A task as the evaluator may see it. */
export type TaskView = z.infer<typeof TaskViewSchema>;

/** How the task browser orders its rows. `relevance` needs search text (else it is `import`). */
export const TaskSortSchema = z.enum(['relevance', 'import', 'newest', 'title', 'id', 'critiques', 'flaws']);
/** How the task browser orders its rows. */
export type TaskSort = z.infer<typeof TaskSortSchema>;

/** A property a task must have (or lack) to be listed. */
export const TaskHasSchema = z.enum(['critiques', 'flaws', 'anchored-flaws', 'no-critiques', 'no-flaws']);
/** A property a task must have (or lack) to be listed. */
export type TaskHas = z.infer<typeof TaskHasSchema>;

/** The task browser's question: search text, filters, order and the page wanted. */
export const TaskQuerySchema = z
  .object({
    /** Words to find in the title, id or text (see shared/task-search.ts). */
    q: z.string().max(1000).default(''),
    kind: z.enum(['summary', 'code']).optional(),
    has: z.array(TaskHasSchema).max(5).default([]),
    /** Only tasks of this study (by name). */
    study: z.string().min(1).max(200).optional(),
    /** `any`: in at least one study; `none`: in no study. */
    inStudy: z.enum(['any', 'none']).optional(),
    /** `meta.source` equals this. */
    source: z.string().min(1).max(500).optional(),
    sort: TaskSortSchema.optional(),
    offset: z.number().int().nonnegative().max(10_000_000).default(0),
    limit: z.number().int().min(1).max(500).default(100),
    /** Count the matches (the first page always does; the next pages of a search need not). */
    withTotal: z.boolean().default(false),
  })
  .strict();
/** The task browser's question (as sent). */
export type TaskQuery = z.input<typeof TaskQuerySchema>;

/** A row of the task browser: enough to tell tasks apart, never the text of the ground truth. */
export const TaskRowSchema = z.object({
  id: z.string(),
  kind: z.enum(['summary', 'code']),
  title: z.string().nullable(),
  language: z.string().nullable(),
  hasBase: z.boolean(),
  /** How many files a multi-file code task has (its snippet lists their paths); null for a single-file task. */
  files: z.number().int().min(1).nullable(),
  critiqueCount: z.number().int().nonnegative(),
  flawCount: z.number().int().nonnegative(),
  anchoredFlawCount: z.number().int().nonnegative(),
  source: z.string().nullable(),
  /** Names of the studies the task is in (at most 3; `studyCount` has them all). */
  studies: z.array(z.string()),
  studyCount: z.number().int().nonnegative(),
  /** A line of the output: around the first search term, or its beginning. */
  snippet: z.string(),
});
/** A row of the task browser. */
export type TaskRow = z.infer<typeof TaskRowSchema>;

/** A page of the task browser. */
export const TaskPageSchema = z.object({
  /** How many tasks match; null on a later page that did not ask (`withTotal`). */
  total: z.number().int().nonnegative().nullable(),
  items: z.array(TaskRowSchema),
  /** The order used (`relevance` falls back to `import` without search text). */
  sort: TaskSortSchema,
  /** True when best match was asked for but there were too many matches to rank: import order instead. */
  unranked: z.boolean(),
  /** The words searched for (to highlight), and those ignored (no letter or digit, or too many). */
  terms: z.array(z.string()),
  ignored: z.array(z.string()),
});
/** A page of the task browser. */
export type TaskPage = z.infer<typeof TaskPageSchema>;

/** What the filters can offer: kinds, sources and studies present, with counts. */
export const TaskFacetsSchema = z.object({
  total: z.number().int().nonnegative(),
  kinds: z.array(z.object({ kind: z.enum(['summary', 'code']), count: z.number().int().nonnegative() })),
  sources: z.array(z.object({ source: z.string(), count: z.number().int().nonnegative() })),
  studies: z.array(z.object({ name: z.string(), state: z.enum(['open', 'closed']), archived: z.boolean(), tasks: z.number().int().nonnegative() })),
});
/** What the filters can offer. */
export type TaskFacets = z.infer<typeof TaskFacetsSchema>;

/** Whether something can be deleted, and if not, why (in words a researcher can act on). */
export const DeletableSchema = z.object({ ok: z.boolean(), reason: z.string().nullable() });

/** One task as the researcher sees it: everything, ground truth included. */
export const TaskDetailSchema = TaskViewSchema.extend({
  critiques: z.array(
    z.object({
      id: z.string(),
      text: z.string(),
      anchor: AnchorSchema.nullable(),
      range: TextRangeSchema.nullable(),
      severity: SeveritySchema.nullable(),
      category: z.string().nullable(),
      score: z.number().nullable(),
      model: z.string().nullable(),
      valid: z.boolean().nullable(),
      evidence: z.array(z.object({ note: z.string().nullable(), range: TextRangeSchema.nullable() })),
    }),
  ),
  flaws: z.array(
    z.object({
      id: z.string(),
      description: z.string(),
      anchor: AnchorSchema.nullable(),
      range: TextRangeSchema.nullable(),
      severity: SeveritySchema.nullable(),
      category: z.string().nullable(),
      critiques: z.array(z.string()),
    }),
  ),
  /** The task's `meta` as imported (any JSON), or null. Untrusted: shown as text. */
  meta: z.unknown(),
  source: z.string().nullable(),
  importedAt: z.number().int(),
  studies: z.array(z.object({ name: z.string(), state: z.enum(['open', 'closed']), archived: z.boolean() })),
  /** Reviews of the task (practice included), finished or not. */
  reviews: z.number().int().nonnegative(),
  /** Why the task can no longer change (a study showed it, it has reviews), or null. */
  frozen: z.string().nullable(),
  deletable: DeletableSchema,
});
/** One task as the researcher sees it. */
export type TaskDetail = z.infer<typeof TaskDetailSchema>;

/** What deleting tasks did (or, with `dryRun`, would do). */
export const TaskDeleteResultSchema = z.object({
  deleted: z.number().int().nonnegative(),
  /** Tasks kept, each with the reason (the first 50; `keptCount` counts them all). */
  kept: z.array(z.object({ id: z.string(), reason: z.string() })),
  keptCount: z.number().int().nonnegative(),
  dryRun: z.boolean(),
});
/** What deleting tasks did. */
export type TaskDeleteResult = z.infer<typeof TaskDeleteResultSchema>;

/** Bytes per upload chunk the UI sends (before base64). */
export const IMPORT_CHUNK_BYTES = 1024 * 1024;

const uploadId = z.string().min(1).max(100);

/** The outcome of importing one task package: counts, or the errors that stopped it (nothing written). */
export const ImportResultSchema = z.object({
  file: z.string(),
  status: z.enum(['imported', 'rejected']),
  tasks: z.number().int().nonnegative(),
  critiques: z.number().int().nonnegative(),
  flaws: z.number().int().nonnegative(),
  unchanged: z.number().int().nonnegative(),
  replaced: z.number().int().nonnegative(),
  /** The first 50 errors, each `FILE:LINE: field.path: message`. */
  errors: z.array(z.string()),
  /** All errors, listed or not. */
  errorCount: z.number().int().nonnegative(),
  /**
   * The first 50 warnings (valid, but probably wrong: a flaw anchored on lines the change does not
   * touch), `FILE:LINE: field.path: message`. Always sent by this back end; optional in the
   * contract so that code written against the shape before warnings keeps compiling.
   */
  warnings: z.array(z.string()).optional(),
  /** All warnings, listed or not (always sent, as `warnings`). */
  warningCount: z.number().int().nonnegative().optional(),
});
/** The outcome of importing one task package. */
export type ImportResult = z.infer<typeof ImportResultSchema>;

/** Operations on tasks. */
export const taskOps = {
  'tasks:list': op(
    'Lists tasks in import order, a page at a time.',
    z
      .object({
        offset: z.number().int().nonnegative().default(0),
        limit: z.number().int().min(1).max(1000).default(200),
      })
      .strict(),
    z.object({ total: z.number().int().nonnegative(), items: z.array(TaskSummarySchema) }),
  ),
  'tasks:get': op('One task as the evaluator may see it.', z.object({ id: z.string().min(1) }).strict(), TaskViewSchema),
  'tasks:search': op('The task browser: search text, filters and order, a page at a time, with the number of matches.', TaskQuerySchema, TaskPageSchema),
  'tasks:facets': op('What the task browser can filter by: kinds, `meta.source` values and studies, with counts.', z.object({}).strict(), TaskFacetsSchema),
  'tasks:detail': op(
    'One task as the researcher sees it: critiques with score, validity and model, flaws with their anchors, meta, studies and reviews.',
    z.object({ id: z.string().min(1).max(10_000) }).strict(),
    TaskDetailSchema,
  ),
  'tasks:delete': op(
    'Deletes tasks that are in no study and were never shown (no review, no pin): the named ones, or every such task. Refuses the rest, with the reason.',
    z
      .object({
        ids: z.array(z.string().min(1).max(10_000)).max(10_000).optional(),
        /** Every task in no study (instead of `ids`). */
        notInStudy: z.boolean().default(false),
        dryRun: z.boolean().default(false),
      })
      .strict()
      .refine((v) => (v.ids !== undefined) !== v.notInStudy, { message: 'give either ids or notInStudy: true' }),
    TaskDeleteResultSchema,
  ),
  'tasks:importBegin': op(
    'Starts an upload of a task package to import (the UI sends the file in chunks, over HTTP or IPC alike).',
    z
      .object({
        name: z.string().min(1).max(1000),
        size: z.number().int().nonnegative(),
        replace: z.boolean().default(false),
      })
      .strict(),
    z.object({ uploadId: z.string(), chunkBytes: z.number().int().positive() }),
  ),
  'tasks:importChunk': op(
    'Appends the next chunk (base64) of an upload; its lines are validated as they arrive.',
    z
      .object({
        uploadId,
        offset: z.number().int().nonnegative(),
        data: z.string().max(4 * IMPORT_CHUNK_BYTES).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'must be base64'),
      })
      .strict(),
    z.object({ received: z.number().int().nonnegative(), lines: z.number().int().nonnegative(), errorCount: z.number().int().nonnegative() }),
  ),
  'tasks:importFinish': op(
    'Imports a completed upload in one transaction: the whole file, or nothing and its errors.',
    z.object({ uploadId }).strict(),
    ImportResultSchema,
  ),
  'tasks:importCancel': op('Abandons an upload and deletes what was received.', z.object({ uploadId }).strict(), z.object({ cancelled: z.boolean() })),
} as const;
