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
});
/** A row of the task list. */
export type TaskSummary = z.infer<typeof TaskSummarySchema>;

/** A task as the evaluator may see it: no critiques' ground truth, no flaws. */
export const TaskViewSchema = z.object({
  id: z.string(),
  kind: z.enum(['summary', 'code']),
  title: z.string().nullable(),
  output: z.string(),
  language: z.string().nullable(),
  base: z.string().nullable(),
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
} as const;
