import { z } from 'zod';
import { op } from './op.js';

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
